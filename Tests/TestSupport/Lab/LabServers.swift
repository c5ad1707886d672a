import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The lab that scripts/test-servers.sh starts, read from the env file it prints (named
/// by MAILCONF_TEST_SERVERS): ports and addresses (scripts/lab.list), users, the CA, the
/// password files, Kerberos, pebble, PostgreSQL. nil when no lab was started.
public struct LabServers: Sendable {
    /// The env file's NAME=VALUE lines.
    let values: [String: String]

    public static let current: LabServers? = {
        guard let path = ProcessInfo.processInfo.environment["MAILCONF_TEST_SERVERS"],
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { values[String(kv[0])] = String(kv[1]) }
        }
        // The in-process GSS-API reads the lab realm's krb5.conf, never /etc/krb5.conf.
        // scripts/test.sh exports it before the tests start; this covers a hand-run
        // `swift test` (setenv is safe here: nothing else in the tests reads it).
        if let config = values["KRB5_CONFIG"], ProcessInfo.processInfo.environment["KRB5_CONFIG"] != config {
            setenv("KRB5_CONFIG", config, 1)
        }
        return LabServers(values: values)
    }()

    public func port(_ port: LabPort) -> Int { Int(values[port.rawValue] ?? "") ?? 0 }
    /// The address, or nil for a lab started before it had one.
    public func address(_ address: LabAddress) -> String? { values[address.rawValue] }

    public var caFile: String { values["CA_FILE"] ?? "" }
    public var user: String { values["USER"] ?? "" }
    public var passwordFile: String { values["PASSWORD_FILE"] ?? "" }
    /// The password itself, for tests that must check it never leaks.
    public var passwordText: String { (try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? "" }
    public var maildir: URL { URL(fileURLWithPath: values["MAILDIR"] ?? "/nonexistent") }
    /// A second Dovecot user, whose password is not ASCII (IMAP's LOGIN sends it as a literal).
    public var utf8User: String { values["UTF8_USER"] ?? "" }
    public var utf8PasswordText: String { (try? String(contentsOfFile: values["UTF8_PASSWORD_FILE"] ?? "", encoding: .utf8)) ?? "" }
    /// The lab folder (the CA's folder's parent): Postfix's maillog is under postfix/.
    public var folder: URL { URL(fileURLWithPath: caFile).deletingLastPathComponent().deletingLastPathComponent() }

    /// Pebble's ACME directory URL, or nil for a lab started before it had pebble.
    public var pebbleDirectory: String? { values["PEBBLE_DIRECTORY"] }
    /// The root pebble signs with now (it makes a new one at each start).
    public var pebbleRoot: String { values["PEBBLE_ROOT"] ?? "" }
}
