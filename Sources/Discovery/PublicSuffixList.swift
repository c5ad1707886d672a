import Foundation

/// The Public Suffix List (publicsuffix.org): where registrable domains end, so that
/// discovery asks about `example.co.uk` and never `co.uk`. Read at run time from the file
/// Debian's `publicsuffix` package installs; parsed once, with wildcard (`*.ck`) and
/// exception (`!www.ck`) rules, and the private section (`github.io`, …) kept apart from
/// the ICANN one. Rules are kept as A-labels (`xn--…`), as DNS answers name hosts.
public struct PublicSuffixList: Sendable {
    struct Rules: Sendable {
        var plain: Set<String> = []
        /// `*.ck` is kept as `ck`: any one label under it is a suffix.
        var wildcard: Set<String> = []
        /// `!www.ck` is kept as `www.ck`: not a suffix, though a wildcard covers it.
        var exception: Set<String> = []
    }
    let icann: Rules
    let privateRules: Rules
    public let path: String

    /// Where Debian (and Ubuntu, Fedora) put it; `MAILCONF_PUBLIC_SUFFIX_LIST` names another.
    public static let systemPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// The list at the usual place, read once per process; nil when there is none.
    public static let system: PublicSuffixList? = try? PublicSuffixList(contentsOf: expectedPath)

    /// The list file that was looked for, to name when it is absent.
    public static var expectedPath: String {
        ProcessInfo.processInfo.environment["MAILCONF_PUBLIC_SUFFIX_LIST"].flatMap { $0.isEmpty ? nil : $0 } ?? systemPath
    }

    public init(contentsOf path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        // Bounded: the list is about 230 KB.
        let data = try handle.read(upToCount: 16 << 20) ?? Data()
        self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    public init(text: String, path: String = "(text)") {
        var icann = Rules(), privateRules = Rules(), inPrivate = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("//") {
                if line.contains("===BEGIN PRIVATE DOMAINS===") { inPrivate = true }
                if line.contains("===END PRIVATE DOMAINS===") { inPrivate = false }
                continue
            }
            guard let token = line.split(whereSeparator: \.isWhitespace).first, !token.isEmpty else { continue }
            var rule = token.lowercased()
            var kind = 0  // 0 plain, 1 wildcard, 2 exception
            if rule.hasPrefix("!") { kind = 2; rule.removeFirst() } else if rule.hasPrefix("*.") { kind = 1; rule.removeFirst(2) }
            guard let ascii = Self.aLabels(rule) else { continue }
            switch (kind, inPrivate) {
            case (0, false): icann.plain.insert(ascii)
            case (1, false): icann.wildcard.insert(ascii)
            case (2, false): icann.exception.insert(ascii)
            case (0, true): privateRules.plain.insert(ascii)
            case (1, true): privateRules.wildcard.insert(ascii)
            default: privateRules.exception.insert(ascii)
            }
        }
        self.icann = icann
        self.privateRules = privateRules
        self.path = path
    }

    static func aLabels(_ name: String) -> String? {
        var labels: [String] = []
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, let a = Punycode.aLabel(label) else { return nil }
            labels.append(a)
        }
        return labels.joined(separator: ".")
    }

    /// The public suffix of `host` (`co.uk` for `mx.example.co.uk`): the longest rule that
    /// matches, an exception rule before any other, else the last label (the rule `*`).
    /// - includingPrivate: the private section too (`github.io` is then a suffix).
    public func publicSuffix(of host: String, includingPrivate: Bool = true) -> String {
        let labels = host.lowercased().split(separator: ".").map(String.init)
        guard !labels.isEmpty else { return host }
        var longest = 1
        for i in 0..<labels.count {
            let candidate = labels[i...].joined(separator: ".")
            let rest = labels[(i + 1)...].joined(separator: ".")
            for rules in includingPrivate ? [icann, privateRules] : [icann] {
                if rules.exception.contains(candidate) { return rest }
                if rules.plain.contains(candidate) || (i + 1 < labels.count && rules.wildcard.contains(rest)) {
                    longest = max(longest, labels.count - i)
                }
            }
        }
        return labels.suffix(longest).joined(separator: ".")
    }

    /// The registrable domain (the public suffix and one label more), nil when the host is
    /// itself a public suffix.
    public func registrableDomain(of host: String, includingPrivate: Bool = true) -> String? {
        let labels = host.lowercased().split(separator: ".").map(String.init)
        let suffix = publicSuffix(of: host, includingPrivate: includingPrivate)
        let count = suffix.split(separator: ".").count
        guard labels.count > count else { return nil }
        return labels.suffix(count + 1).joined(separator: ".")
    }
}
