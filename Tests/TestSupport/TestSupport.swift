import Foundation

/// Where the tests find what lives outside the repository: the ISPDB copy and the
/// Postfix + Dovecot lab that scripts/test-servers.sh starts.
public enum TestEnvironment {
    /// The Thunderbird ISPDB copy: `MAILCONF_ISPDB`, else `../shared/ispdb` beside the checkout.
    public static func ispdbDirectory() -> URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = ProcessInfo.processInfo.environment["MAILCONF_ISPDB"].map { URL(fileURLWithPath: $0) }
            ?? root.deletingLastPathComponent().appendingPathComponent("shared/ispdb")
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url : nil
    }

    public static let ispdbMissing = "ISPDB copy not found: set MAILCONF_ISPDB to a folder of clientConfig files (../shared/ispdb by default)"
    public static let labMissing = "no test MTA: run the tests through scripts/test.sh, which starts Postfix and Dovecot (or set MAILCONF_TEST_SERVERS)"
}

/// The lab MTA's env file (named by MAILCONF_TEST_SERVERS): ports, CA, user, password file.
public struct LabServers: Sendable {
    public let values: [String: String]

    public static let current: LabServers? = {
        guard let path = ProcessInfo.processInfo.environment["MAILCONF_TEST_SERVERS"],
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { values[String(kv[0])] = String(kv[1]) }
        }
        return LabServers(values: values)
    }()

    public func port(_ name: String) -> Int { Int(values[name] ?? "") ?? 0 }
    public var caFile: String { values["CA_FILE"] ?? "" }
    public var user: String { values["USER"] ?? "" }
    public var passwordFile: String { values["PASSWORD_FILE"] ?? "" }
    /// The password itself, for tests that must check it never leaks.
    public var passwordText: String { (try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? "" }
    public var maildir: URL { URL(fileURLWithPath: values["MAILDIR"] ?? "/nonexistent") }
}
