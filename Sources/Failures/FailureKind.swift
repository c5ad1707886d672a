/// A failure's stable name for scripts: what `--json` prints as "kind", and what callers
/// compare against. Each kind is declared once, as a constant beside the module that
/// raises it (`FailureKind.connectionRefused` in MailNet, `.kerberosNoCredentials` in
/// Kerberos, …), and never retyped as a string elsewhere.
public struct FailureKind: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The stable name, such as `connection-refused`.
    public let name: String
    /// A few words on what it means or what to do, for help texts ("run kinit").
    public let hint: String?

    public init(_ name: String, hint: String? = nil) {
        self.name = name
        self.hint = hint
    }

    public var description: String { name }

    /// "kerberos-no-credentials (run kinit)": how help texts list a kind.
    public var listed: String { hint.map { "\(name) (\($0))" } ?? name }

    // Equal, hashed and ordered by name alone: the hint is for people.
    public static func == (a: FailureKind, b: FailureKind) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    public static func < (a: FailureKind, b: FailureKind) -> Bool { a.name < b.name }

    /// Encoded as the bare name, as the JSON has always said it.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

/// Every error of mailconf's modules: a stable kind for scripts and a message for
/// people that names the input and what to do.
public protocol MailconfError: Error, Sendable, CustomStringConvertible {
    var kind: FailureKind { get }
    var message: String { get }
}

extension MailconfError {
    public var message: String { description }
}
