import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        // The in-process GSS-API reads the lab realm's krb5.conf, never /etc/krb5.conf.
        // scripts/test.sh exports it before the tests start; this covers a hand-run
        // `swift test` (setenv is safe here: nothing else in the tests reads it).
        if let config = values["KRB5_CONFIG"], ProcessInfo.processInfo.environment["KRB5_CONFIG"] != config {
            setenv("KRB5_CONFIG", config, 1)
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
    /// A second Dovecot user, whose password is not ASCII (IMAP's LOGIN sends it as a literal).
    public var utf8User: String { values["UTF8_USER"] ?? "" }
    public var utf8PasswordText: String { (try? String(contentsOfFile: values["UTF8_PASSWORD_FILE"] ?? "", encoding: .utf8)) ?? "" }

    /// The lab's Kerberos realm (a real MIT KDC), or nil for a lab started before it had one.
    public var kerberos: LabKerberos? {
        guard let dir = values["KRB5_DIR"], let config = values["KRB5_CONFIG"], let realm = values["KRB5_REALM"] else { return nil }
        return LabKerberos(directory: URL(fileURLWithPath: dir), config: config, realm: realm)
    }
}

/// The lab realm: alice's keytab, the mail server's keytab, and tickets made with kinit.
public struct LabKerberos: Sendable {
    public let directory: URL
    public let config: String
    public let realm: String

    public var aliceKeytab: String { directory.appendingPathComponent("alice.keytab").path }
    public var alice: String { "alice@\(realm)" }
    /// A principal of NOWHERE.TEST, a realm whose KDC never answers.
    public var nowhereKeytab: String { directory.appendingPathComponent("bob-nowhere.keytab").path }
    public var nowherePrincipal: String { "bob@NOWHERE.TEST" }
    /// A principal of SILENT.TEST, whose KDC port a test holds open and never answers on.
    public var silentKeytab: String { directory.appendingPathComponent("bob-silent.keytab").path }
    public var silentPrincipal: String { "bob@SILENT.TEST" }
    /// A key for carol@MAILCONF.TEST, whom the lab KDC does not know.
    public var unknownClientKeytab: String { directory.appendingPathComponent("carol-unknown.keytab").path }
    public var unknownClient: String { "carol@\(realm)" }

    /// A fresh credential cache in `folder` holding a ticket for alice, got with real kinit
    /// from her keytab. `lifetime` is kinit's -l (`3s`); `clockOffset` runs kinit under
    /// faketime (`+2h`), so the cache remembers a clock that far off the KDC's.
    /// `serviceTicket` also gets a ticket for that service (with kvno, under the same clock).
    public func ticketCache(in folder: TemporaryFolder, name: String = "ccache", lifetime: String? = nil,
                            clockOffset: String? = nil, serviceTicket: String? = nil) throws -> String {
        let cache = "FILE:" + folder.url.appendingPathComponent(name).path
        var args = ["-k", "-t", aliceKeytab, "-c", cache]
        if let lifetime { args += ["-l", lifetime] }
        args.append(alice)
        var environment = ProcessInfo.processInfo.environment
        environment["KRB5_CONFIG"] = config
        let result: Tool.Result
        if let clockOffset {
            result = try Tool.run("faketime", ["-f", clockOffset, Tool.path("kinit") ?? "kinit"] + args, environment: environment)
        } else {
            result = try Tool.run("kinit", args, environment: environment)
        }
        guard result.status == 0 else { throw KinitError(message: "kinit \(args.joined(separator: " ")) failed: \(result.stderr)") }
        if let serviceTicket {
            environment["KRB5CCNAME"] = cache
            let kvno = Tool.path("kvno") ?? "kvno"
            let r = try Tool.run(clockOffset == nil ? kvno : "faketime", (clockOffset.map { ["-f", $0, kvno] } ?? []) + [serviceTicket],
                                 environment: environment)
            guard r.status == 0 else { throw KinitError(message: "kvno \(serviceTicket) failed: \(r.stderr)") }
        }
        return cache
    }

    public struct KinitError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
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
        // The test runner's threads block SIGCHLD, and a child inherits the mask: a tool
        // that waits for children of its own by that signal (getmail's delivery) would
        // wait forever. The tool starts with nothing blocked, as from a shell.
        var none = sigset_t(), previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
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

/// Runs blocking work (a process, a socket) on a thread of its own and waits for it
/// without holding one of the cooperative pool's threads (two on this machine), which
/// the async tests running beside it need for their deadlines. Expectations stay in the
/// caller: `work` only computes.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
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

/// A bare HTTP/1.1 connection for tests that need what ordinary clients will not send:
/// any Host header, a body sent in pieces, malformed requests.
public final class RawHTTPConnection: @unchecked Sendable {
    let fd: Int32

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(message: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw RawHTTPError(message: "connect to \(host):\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPError(message: "send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads one response: the head, then Content-Length bytes (or to the close).
    public func readAll() throws -> RawHTTPResponse {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = data.firstRange(of: separator) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                if let length, data.count - end.upperBound >= length { break }
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { data += buffer[0..<n] } else if n == 0 { break } else {
                throw RawHTTPError(message: "no answer within 15 s (errno \(errno)); read so far: \(String(decoding: data, as: UTF8.self).prefix(200))")
            }
        }
        return RawHTTPResponse(String(decoding: data, as: UTF8.self))
    }

    /// What has arrived, waiting up to 100 ms for something (empty when nothing came).
    public func readAvailable() throws -> String {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 100) > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
    }

    /// Of these connections, the ones the server has closed (a read gives end of file or
    /// a reset) by the time `seconds` have passed, waiting no longer than that.
    public static func closedByPeer(_ connections: [RawHTTPConnection], within seconds: Double) -> Set<Int> {
        var closed = Set<Int>()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        repeat {
            var fds = connections.indices.filter { !closed.contains($0) }.map { pollfd(fd: connections[$0].fd, events: Int16(POLLIN), revents: 0) }
            let open = connections.indices.filter { !closed.contains($0) }
            if fds.isEmpty { break }
            let wait = max(0, Int32(deadline.timeIntervalSinceNow * 1000))
            guard poll(&fds, nfds_t(fds.count), min(wait, 100)) >= 0 else { break }
            for (slot, i) in open.enumerated() where fds[slot].revents != 0 {
                // Anything left unread (a 431, say) is read past; end of file or an error is the close.
                let n = recv(connections[i].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed.insert(i) }
            }
        } while Date() < deadline
        return closed
    }

    /// One whole request on a thread of its own: blocking socket calls must not hold one
    /// of Swift's few cooperative threads, which the server under test needs too.
    public static func fetch(port: Int, _ head: String, body: String = "") async throws -> RawHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try request(port: port, head, body: body) })
            }
        }
    }

    /// One whole request, answered and closed.
    public static func request(port: Int, _ head: String, body: String = "") throws -> RawHTTPResponse {
        let c = try RawHTTPConnection(port: port)
        try c.send(head + body)
        return try c.readAll()
    }
}

public struct RawHTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: String
    init(_ text: String) {
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
        let lines = head.components(separatedBy: "\r\n")
        status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var h: [String: String] = [:]
        for l in lines.dropFirst() {
            if let colon = l.firstIndex(of: ":") {
                h[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        headers = h
    }
}

public struct RawHTTPError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension LabServers {
    /// The lab mailbox's message that contains `marker`, waiting up to `seconds` for
    /// Postfix to deliver it: in new/, or in cur/ once a POP3 or IMAP login (another
    /// test) has opened the mailbox.
    public func deliveredMessage(containing marker: String, within seconds: Double = 20) async -> String? {
        // The mailbox is looked at once more after the deadline: a test process whose
        // threads were busy may wake only after it, and that look must still count.
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let pastDeadline = Date() >= deadline
            for dir in ["new", "cur"].map({ maildir.appendingPathComponent($0) }) {
                let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
                for file in files {
                    if let text = try? String(contentsOf: file, encoding: .utf8), text.contains(marker) { return text }
                }
            }
            if pastDeadline { return nil }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
