/// The name of each source, as the JSON and the listing show it. The order of the cases
/// is the order the outcomes are listed in, whichever answered first.
public enum SourceID: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case catalog
    case autoconfig
    case wellKnown = "well-known"
    case autoconfigHTTP = "autoconfig-http"
    case ispdb
    case mxCatalog = "mx-catalog"
    case mxISPDB = "mx-ispdb"
    case srv
    case guess

    public var description: String { rawValue }

    /// Where the outcome is listed: the case's place in the declaration.
    var listed: Int { Self.allCases.firstIndex(of: self)! }
}
