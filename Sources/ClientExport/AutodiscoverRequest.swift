import Failures
import Foundation
import MailFormats

/// The Autodiscover "POX" request Outlook posts: the address it wants settings for and
/// the response schema it reads, answered by `AutodiscoverExport`. Both request schemas
/// are read: Outlook's, and the mobile-sync one (MS-ASCMD 2.2.2.1) that new Outlook for
/// Windows and Exchange ActiveSync clients send. The body comes from anyone, so it is
/// bounded and read by MailFormats' libxml2 parser (no DTD, no entity expansion, no
/// network).
public struct AutodiscoverRequest: Sendable, Equatable {
    public static let requestNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
    public static let mobileSyncRequestNamespace = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"
    public static let mobileSyncResponseNamespace = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
    /// Outlook's requests are a few hundred bytes; 64 KiB leaves room and refuses abuse.
    public static let largestBody = 64 * 1024

    /// The EMailAddress element's text, trimmed. Untrusted: not yet checked as an address.
    public var emailAddress: String
    /// The response schema asked for (AcceptableResponseSchema, trimmed); nil when none was
    /// named, which means Outlook's.
    public var acceptableResponseSchema: String?

    /// Whether the answer can be Outlook's settings (response schema 2006a): asked for by
    /// name, in any letter case, or by naming none. Any other schema (mobile sync:
    /// Exchange ActiveSync, which mailconf does not serve) is answered with
    /// `AutodiscoverExport.schemaNotServed`.
    public var wantsOutlookSettings: Bool {
        guard let schema = acceptableResponseSchema else { return true }
        return schema.caseInsensitiveCompare(AutodiscoverExport.outlookNamespace) == .orderedSame
    }

    /// Why a body is not taken. The message never repeats the body back.
    public struct Refusal: MailconfError, Equatable {
        /// `.requestTooLarge` (HTTP's 413) or `.requestUnreadable` (not XML, or not one
        /// of the request schemas).
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

    public init(emailAddress: String, acceptableResponseSchema: String? = nil) {
        self.emailAddress = emailAddress
        self.acceptableResponseSchema = acceptableResponseSchema
    }

    /// Reads a request body of at most `limit` bytes.
    public init(body: [UInt8], limit: Int = largestBody) throws(Refusal) {
        guard body.count <= limit else { throw .tooLarge(limit: limit) }
        let root: XElement
        do { root = try SafeXMLParser.parse(body, source: "request") } catch {
            throw Refusal(kind: .requestUnreadable, message: "the request is not a readable Autodiscover XML body (\(error.kind))")
        }
        // Either request schema; its namespace URI in any letter case, as clients vary.
        guard root.name == "Autodiscover", let ns = root.namespaceURI,
              [Self.requestNamespace, Self.mobileSyncRequestNamespace].contains(where: { $0.caseInsensitiveCompare(ns) == .orderedSame }),
              let request = root.elements(named: "Request", namespace: ns).first,
              let raw = request.elements(named: "EMailAddress", namespace: ns).first?.text else {
            throw Refusal(kind: .requestUnreadable, message: "expected <Autodiscover><Request><EMailAddress> in the Outlook or the mobile-sync request schema")
        }
        emailAddress = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let schema: String? = request.elements(named: "AcceptableResponseSchema", namespace: ns).first?.text
        acceptableResponseSchema = schema.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// The kinds of refusal of an Autodiscover request body.
extension FailureKind {
    /// Over the size limit: HTTP's 413.
    public static let requestTooLarge = FailureKind("request-too-large")
    /// Not XML, or not one of the request schemas.
    public static let requestUnreadable = FailureKind("request-unreadable")
}
