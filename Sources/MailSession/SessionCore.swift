import MailNet
import NIOCore
import NIOPosix

/// What a protocol session holds and has learnt, the same for SMTP, IMAP and POP3: its
/// options, the connection, the transcript, the addresses tried, the capabilities before
/// and after TLS, and whether (and with what) the connection is encrypted. A session is
/// a conversation: it is used from one task at a time.
package final class SessionCore<Handler: SessionChannelHandler & ChannelInboundHandler, Capabilities: SessionCapabilities>:
    @unchecked Sendable {
    package let options: SessionOptions<Handler.Limits>
    package let group: any EventLoopGroup
    package var transcript = Transcript()
    /// Every address the host name gave, and what happened on each one tried.
    package var addressesTried: [AddressAttempt] = []
    package var capabilitiesBeforeTLS: Capabilities?
    /// What the server offers for a login: after STARTTLS, those asked for after it.
    package var capabilities: Capabilities?
    package var isEncrypted = false
    package var connection: SessionConnection<Handler>?
    private var tlsFacts: Task<TLSDetails?, Never>?

    package init(options: SessionOptions<Handler.Limits>, group: any EventLoopGroup) {
        self.options = options
        self.group = group
    }

    /// The TLS facts once the handshake is done (nil without TLS). They are read while the
    /// session writes its next command, so they cost no time between its round trips.
    package var tls: TLSDetails? { get async { await tlsFacts?.value } }

    /// The connection is encrypted from here on; its facts are read meanwhile.
    func encrypted(_ connection: SessionConnection<Handler>) {
        isEncrypted = true
        tlsFacts = connection.tlsDetailsMeanwhile()
    }

    /// The open connection, or the client's `connection-closed` for `phase`.
    package func requireConnection(phase: String = "the session") throws -> SessionConnection<Handler> {
        guard let connection else { throw Handler.Failure.session(.connectionClosed(phase: phase)) }
        return connection
    }

    /// A login that would show the password may go on this connection: it is encrypted,
    /// or the caller allowed plaintext.
    package var mayShowPassword: Bool { isEncrypted || options.allowPlaintextPassword }

    /// Ends the session: `goodbye` (QUIT, LOGOUT) is written when the connection is still
    /// up, with no round trip spent on its answer, then it is closed. Safe to call more
    /// than once, and after a failure.
    package func close(saying goodbye: String, record: (inout Transcript) -> Void) async {
        guard let connection else { return }
        self.connection = nil
        if connection.channel.isActive {
            record(&transcript)
            await connection.write(Array("\(goodbye)\r\n".utf8))
        }
        await connection.close()
    }
}
