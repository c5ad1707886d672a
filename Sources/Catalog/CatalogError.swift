import Failures
import MailFormats
import MailSettings

/// Why a catalog operation failed. `kind` is stable for `--json`; the description
/// tells a person what to do.
public enum CatalogError: MailconfError {
    case unknownProvider(String, suggestions: [String])
    case unknownServer(Int64)
    case readOnlyPreset(String)
    case idTaken(String, origin: String)
    case domainTaken(String, providerID: String)
    case domainUnknown(String)
    case providerInUse(String, domains: [String])
    case invalid(ValidationError)
    case badPreset(FormatError)
    case cannotOpen(path: String, reason: String)
    /// A catalog database (PostgreSQL) that cannot be reached or refused the login.
    case unreachable(location: String, reason: String, hint: String)
    case noSchema(location: String)
    case schemaBehind(location: String, missing: [String])
    case schemaNewer(location: String, unknown: [String])
    case file(path: String, reason: String)

    public var kind: FailureKind {
        switch self {
        case .unknownProvider: return .unknownProvider
        case .unknownServer: return .unknownServer
        case .readOnlyPreset: return .presetReadOnly
        case .idTaken: return .idTaken
        case .domainTaken: return .domainTaken
        case .domainUnknown: return .domainUnknown
        case .providerInUse: return .providerInUse
        case .invalid(let e): return e.kind
        case .badPreset: return .badPreset
        case .cannotOpen, .unreachable: return .cannotOpenCatalog
        case .noSchema: return .catalogSchemaMissing
        case .schemaBehind: return .catalogSchemaOutdated
        case .schemaNewer: return .catalogSchemaNewer
        case .file: return .fileError
        }
    }

    public var description: String {
        switch self {
        case .unknownProvider(let id, let suggestions):
            let hint = suggestions.isEmpty ? "run 'mailconf providers list' to see them all"
                : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?"
            return "no provider, server or domain '\(id)' in the catalog; \(hint)"
        case .unknownServer(let id):
            return "no user-defined server #\(id); run 'mailconf servers list' to see their ids"
        case .readOnlyPreset(let id):
            return "'\(id)' is a built-in preset or an imported file and cannot be changed here; "
                + "add your own with 'mailconf servers add --provider NAME …'"
        case .idTaken(let id, let origin):
            return "the id '\(id)' is already used by a \(origin) provider; choose another name"
        case .domainTaken(let domain, let providerID):
            return "the domain '\(domain)' is already mapped to '\(providerID)'; remove it first with 'mailconf domains remove \(domain)'"
        case .domainUnknown(let domain):
            return "the domain '\(domain)' is not an organisation domain; 'mailconf domains list' shows them"
        case .providerInUse(let id, let domains):
            return "'\(id)' still serves the organisation domain(s) \(domains.joined(separator: ", ")); remove them first with 'mailconf domains remove'"
        case .invalid(let e): return e.description
        case .badPreset(let e): return "built-in preset is broken (a bug in this build): \(e)"
        case .cannotOpen(let path, let reason):
            return "cannot open the catalog at \(path): \(reason); check the path and its permissions, or choose another with --db PATH or MAILCONF_DB"
        case .unreachable(let location, let reason, let hint):
            return "cannot open the catalog at \(location): \(reason); \(hint)"
        case .noSchema(let location):
            return "the catalog at \(location) has no mailconf tables; create them with a command that writes, such as 'mailconf catalog update --db \(location)', then try again"
        case .schemaBehind(let location, let missing):
            return "the catalog at \(location) is from an older mailconf (it lacks \(missing.map { "'\($0)'" }.joined(separator: ", "))); migrate it with 'mailconf catalog update --db \(location)', then try again"
        case .schemaNewer(let location, let unknown):
            return "the catalog at \(location) was migrated by a newer mailconf (it has \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which this binary does not know); upgrade this mailconf, or give it a catalog of its own version"
        case .file(let path, let reason): return "\(path): \(reason)"
        }
    }
}

/// The kinds of failure the catalog raises.
extension FailureKind {
    public static let unknownProvider = FailureKind("unknown-provider")
    public static let unknownServer = FailureKind("unknown-server")
    public static let presetReadOnly = FailureKind("preset-read-only")
    public static let idTaken = FailureKind("id-taken")
    public static let domainTaken = FailureKind("domain-taken")
    public static let domainUnknown = FailureKind("domain-unknown")
    public static let providerInUse = FailureKind("provider-in-use")
    public static let badPreset = FailureKind("bad-preset")
    public static let cannotOpenCatalog = FailureKind("cannot-open-catalog")
    public static let catalogSchemaMissing = FailureKind("catalog-schema-missing")
    public static let catalogSchemaOutdated = FailureKind("catalog-schema-outdated")
    public static let catalogSchemaNewer = FailureKind("catalog-schema-newer")
    public static let fileError = FailureKind("file-error")
}
