import Failures
import Foundation
import MailFormats

/// The Autodiscover "POX" request Outlook posts (Outlook request schema 2006): the
/// address it wants settings for, answered by `AutodiscoverExport`. The body comes from
/// anyone, so it is bounded and read by MailFormats' libxml2 parser (no DTD, no entity
/// expansion, no network).
public struct AutodiscoverRequest: Sendable, Equatable {
    public static let requestNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
    /// Outlook's requests are a few hundred bytes; 64 KiB leaves room and refuses abuse.
    public static let largestBody = 64 * 1024

    /// The EMailAddress element's text, trimmed. Untrusted: not yet checked as an address.
    public var emailAddress: String

    /// Why a body is not taken. The message never repeats the body back.
    public struct Refusal: MailconfError, Equatable {
        /// `.requestTooLarge` (HTTP's 413) or `.requestUnreadable` (not XML, not the
        /// request schema, or asking for another response schema).
        public var kind: FailureKind
        public var message: String
        public var description: String { message }

        public init(kind: FailureKind, message: String) {
            self.kind = kind
            self.message = message
        }

        /// Also for a body refused before it is read (its Content-Length, or while it arrives).
        public static func tooLarge(limit: Int) -> Refusal {
            Refusal(kind: .requestTooLarge, message: "the request body is over \(limit / 1024) KiB")
        }
    }

    public init(emailAddress: String) {
        self.emailAddress = emailAddress
    }

    /// Reads a request body of at most `limit` bytes.
    public init(body: [UInt8], limit: Int = largestBody) throws(Refusal) {
        guard body.count <= limit else { throw .tooLarge(limit: limit) }
        let root: XElement
        do { root = try SafeXMLParser.parse(body, source: "request") } catch {
            throw Refusal(kind: .requestUnreadable, message: "the request is not a readable Autodiscover XML body (\(error.kind))")
        }
        let ns = Self.requestNamespace
        guard root.name == "Autodiscover", root.namespaceURI == ns,
              let request = root.elements(named: "Request", namespace: ns).first,
              let raw = request.elements(named: "EMailAddress", namespace: ns).first?.text else {
            throw Refusal(kind: .requestUnreadable, message: "expected <Autodiscover><Request><EMailAddress> in the Outlook request schema")
        }
        // Outlook names the one response schema it reads; none named means that one too.
        if let schema = request.elements(named: "AcceptableResponseSchema", namespace: ns).first?.text,
           schema.trimmingCharacters(in: .whitespacesAndNewlines) != AutodiscoverExport.outlookNamespace {
            throw Refusal(kind: .requestUnreadable, message: "only the Outlook response schema (2006a) is served")
        }
        emailAddress = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The kinds of refusal of an Autodiscover request body.
extension FailureKind {
    /// Over the size limit: HTTP's 413.
    public static let requestTooLarge = FailureKind("request-too-large")
    /// Not XML, not the request schema, or another response schema asked for.
    public static let requestUnreadable = FailureKind("request-unreadable")
}
