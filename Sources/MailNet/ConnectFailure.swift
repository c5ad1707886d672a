import Failures
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Why a TCP connection could not be made, told apart: nothing listens, no route, or no
/// answer at all (a firewall that drops). One list for every client of mailconf's.
public enum ConnectFailure: MailconfError, Equatable {
    /// The host answered with a reset: nothing listens on that port.
    case refused
    /// No route to the host (EHOSTUNREACH), often a host that is down or filtered by ICMP.
    case hostUnreachable
    /// This machine has no route to that network (ENETUNREACH), e.g. IPv6 without IPv6.
    case networkUnreachable
    /// No answer within the connect timeout: packets dropped on the way.
    case timedOut(seconds: Double)
    /// Anything else the socket layer said.
    case other(String)

    /// The stable kind for `--json`.
    public var kind: FailureKind {
        switch self {
        case .refused: return .connectionRefused
        case .hostUnreachable: return .hostUnreachable
        case .networkUnreachable: return .networkUnreachable
        case .timedOut: return .connectionTimeout
        case .other: return .connectionFailed
        }
    }

    public var description: String {
        switch self {
        case .refused: return "connection refused (nothing listens on that port)"
        case .hostUnreachable: return "no route to the host (it is down, or a router refuses the way there)"
        case .networkUnreachable: return "this machine has no route to that network (for an IPv6 address: no IPv6 here)"
        case .timedOut(let s): return "no answer within \(s) s (a firewall may drop the packets)"
        case .other(let why): return why
        }
    }

    /// The failure behind an error SwiftNIO raised while connecting; nil when it is not one.
    public static func classify(_ error: any Error, timeout: Double) -> ConnectFailure? {
        if let e = error as? ChannelError, case .connectTimeout = e { return .timedOut(seconds: timeout) }
        if let e = error as? IOError { return from(errno: e.errnoCode, timeout: timeout) ?? .other("\(e)") }
        if let e = error as? NIOConnectionError {
            // Connecting by name tries every address; the first one's reason stands for all.
            if let first = e.connectionErrors.first { return classify(first.error, timeout: timeout) ?? .other("\(first.error)") }
            return .other("no address for \(e.host)")
        }
        return nil
    }

    static func from(errno code: Int32, timeout: Double) -> ConnectFailure? {
        switch code {
        case ECONNREFUSED: return .refused
        case EHOSTUNREACH: return .hostUnreachable
        case ENETUNREACH: return .networkUnreachable
        case ETIMEDOUT: return .timedOut(seconds: timeout)
        default: return nil
        }
    }
}
