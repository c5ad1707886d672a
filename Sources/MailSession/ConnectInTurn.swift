import MailNet
import NIOCore

/// The connect step every protocol session shares: resolve the host, then try each of its
/// addresses in turn until one takes, noting each in the transcript and in `attempts`.
/// A host without addresses is the client's `.session(.dnsFailure(…))`; `connect` makes
/// one connection, and the last address's error is thrown when none takes.
func connectInTurn<Connection, Failure: SessionError>(
    host: String, port: Int, mode: TLSMode, resolver: any AddressResolver, timeout: Double,
    transcript: inout Transcript, attempts: inout [AddressAttempt], failing: Failure.Type,
    connect: (SocketAddress) async throws -> Connection
) async throws -> Connection {
    let addresses: [SocketAddress]
    do {
        addresses = try await resolver.resolve(host: host, port: port, timeout: timeout)
    } catch {
        throw Failure.session(.dnsFailure(host: error.host, reason: error.reason))
    }
    transcript.record(.note, "\(host) has \(addresses.count) address(es): "
                      + addresses.map { $0.ipAddress ?? "\($0)" }.joined(separator: ", "), phase: "connect")
    var lastError: Failure?
    for address in addresses {
        let shown = address.ipAddress ?? "\(address)"
        transcript.record(.note, "connecting to \(shown) port \(address.port ?? port) (\(mode.rawValue))", phase: "connect")
        do {
            let connection = try await connect(address)
            attempts.append(AddressAttempt(address: shown, error: nil))
            return connection
        } catch let e as Failure {
            attempts.append(AddressAttempt(address: shown, error: e.description))
            transcript.record(.note, e.description, phase: "connect")
            lastError = e
        }
    }
    throw lastError ?? Failure.session(.dnsFailure(host: host, reason: "no address"))
}
