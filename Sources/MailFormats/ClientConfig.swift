import Failures
import MailSettings

/// Thunderbird's clientConfig ("autoconfig") format, version 1.1 and the IETF's 1.2
/// (draft-ietf-mailmaint-autoconfig-06), read and written losslessly: what mailconf
/// models becomes typed values, everything else is kept as XML and written back.
/// mailconf's own metadata lives in the `mc:` extension namespace, which clients ignore.
///
/// The reader takes both versions alike, as the draft asks (a file is never refused for
/// its version), and follows the draft's must-ignore rule: an unknown element, attribute
/// or value is left aside with a warning, and a server section left incomplete by that
/// is skipped, not the file.
public enum ClientConfig {
    public static let extensionNamespace = "urn:mailconf:clientconfig-extension:1"
    public static let extensionPrefix = "mc"

    /// The version a file is written as.
    public enum Version: String, CaseIterable, Sendable, CustomStringConvertible {
        /// What Thunderbird and the ISPDB speak today. Nothing 1.2 adds is written:
        /// no `system` attributes, MX domains, services beside mail, JMAP or ActiveSync.
        case v1_1 = "1.1"
        /// The IETF draft: everything the model holds. Each server still leaves a 1.1
        /// reader a method it knows (a SASL-only list is followed by its generic family).
        case v1_2 = "1.2"
        public var description: String { rawValue }
    }

    /// A file that was read, and what was not taken as written.
    public struct ReadResult: Sendable {
        public var provider: Provider
        public var warnings: [Diagnostic]
        /// `clientConfig/@version` as written, if any.
        public var version: String?
    }

    /// Reads one clientConfig document.
    /// - Parameters:
    ///   - source: the file name, used in every message.
    ///   - fallbackID: the provider id when the file has no `mc:provider/@id`
    ///     (for an ISPDB file: its file name without `.xml`).
    public static func read(_ bytes: [UInt8], source: String, fallbackID: String,
                            limits: XMLLimits = .untrusted) throws(FormatError) -> ReadResult {
        let root = try SafeXMLParser.parse(bytes, source: source, limits: limits)
        var reader = Reader(source: source)
        let provider = try reader.read(root, fallbackID: fallbackID)
        return ReadResult(provider: provider, warnings: reader.warnings, version: root.attribute("version"))
    }

    /// Writes one provider as a clientConfig document.
    /// - Parameters:
    ///   - version: 1.1 (the default, what clients read today) or 1.2.
    ///   - address: when given, placeholders in host names and usernames are filled in.
    ///   - includeExtension: write mailconf's `mc:` metadata (off for pure Thunderbird output).
    public static func write(_ provider: Provider, version: Version = .v1_1, address: EmailAddress? = nil,
                             includeExtension: Bool = true) throws(FormatError) -> String {
        try Writer(provider: provider, version: version, address: address, includeExtension: includeExtension).write()
    }
}

/// One element kept as XML text (for the parts of a file mailconf does not model).
enum XMLFragment {
    static func serialize(_ element: XElement) -> String {
        let w = XMLWriter(indent: false, declaration: false)
        w.replay(element, declared: [:])
        return w.finish()
    }

    static func parse(_ xml: String) throws(FormatError) -> XElement {
        try SafeXMLParser.parse(Array(xml.utf8), source: "stored clientConfig fragment")
    }
}
