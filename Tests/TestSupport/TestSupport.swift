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

/// Runs a real program (xmllint, msmtp, git, …) the way a user would, for tests that
/// check a file with the tool that reads it.
public enum Tool {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The program's path on PATH, or nil.
    public static func path(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let fromPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let dirs = fromPath + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static func missing(_ names: String...) -> String {
        "\(names.joined(separator: ", ")) not installed: scripts/test.sh installs it (Debian package)"
    }

    public static func run(_ name: String, _ args: [String], stdin: String? = nil, environment: [String: String]? = nil,
                           directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path(name) ?? name)
        p.arguments = args
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = directory }
        // Output goes to files, so a chatty tool can never stall on a full pipe.
        let dir = TemporaryFolder()
        let outURL = dir.url.appendingPathComponent("out"), errURL = dir.url.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: p.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

/// A folder under the system temporary directory, removed when the value goes.
public final class TemporaryFolder: @unchecked Sendable {
    public let url: URL
    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mailconf-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }
}

/// The repository's root (for schemas/ and the like), found from this source file.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
