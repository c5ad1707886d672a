import Foundation
import Testing
import TestSupport

/// A datagram socket standing in for systemd's notification socket.
private final class NotifySocket: @unchecked Sendable {
    let path: String
    let fd: Int32

    init(in dir: URL) throws {
        path = dir.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw RawHTTPError(message: "cannot bind \(path): errno \(errno)") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The next datagram, or nil after 15 s.
    func next() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
    }
}

@Suite(.serialized) struct ServeUnderSystemd {
    /// Type=notify without libsystemd: READY=1 once the port answers, RELOADING=1 then
    /// READY=1 around a SIGHUP reload, STOPPING=1 on SIGTERM.
    @Test func itTellsSystemdWhenItIsReadyReloadsAndStops() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let notify = try NotifySocket(in: cli.dir)
        let server = try ServeProcess(cli, arguments: ["--no-access-log"], environment: ["NOTIFY_SOCKET": notify.path])
        let ready = try #require(notify.next(), "no READY=1 within 15 s")
        #expect(ready.split(separator: "\n").contains("READY=1"), "\(ready)")
        #expect(ready.contains("STATUS=serving 1 domains on port \(server.port)"), "\(ready)")
        // By then the port answers.
        #expect(try RawHTTPConnection.request(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)

        server.signal(SIGHUP)
        let reloading = try #require(notify.next(), "no RELOADING=1 after SIGHUP")
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="), "\(reloading)")
        let reloaded = try #require(notify.next(), "no READY=1 after the reload")
        #expect(reloaded.hasPrefix("READY=1"), "\(reloaded)")

        server.signal(SIGTERM)
        let stopping = try #require(notify.next(), "no STOPPING=1 after SIGTERM")
        #expect(stopping == "STOPPING=1")
        #expect(server.exitStatus(within: 15) == 0)
    }
}

/// What the unit's SystemCallFilter and MemoryDenyWriteExecute allow, checked against
/// what `mailconf serve` really does, without a systemd to run it under: every system
/// call serve makes while it starts, answers each kind of request, reloads and stops
/// (traced with strace, every thread) must be in the filter, and no memory may be made
/// writable and executable. A call outside the filter would kill the service with SIGSYS.
/// As the unit runs it: not as root (DynamicUser), on a catalog it may not write. (As
/// root, SQLite gives its -wal and -shm files the database's owner with fchown, which
/// ~@privileged forbids; it does not try as any other user.)
@Suite(.serialized, .needs(.strace, .systemdAnalyze))
struct ServeUnderTheUnitsSandbox {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/mailconf.service")

    /// systemd's groups (`systemd-analyze syscall-filter`): each group's calls and groups.
    static func groups() throws -> [String: [String]] {
        let listing = try Tool.run("systemd-analyze", ["syscall-filter"])
        var groups: [String: [String]] = [:]
        var current: String?
        for line in listing.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@") { current = String(line); groups[String(line)] = [] }
            else if line.hasPrefix("    "), !line.hasPrefix("    #"), let current {
                groups[current, default: []].append(line.trimmingCharacters(in: .whitespaces))
            } else if line.isEmpty { current = nil }
        }
        return groups
    }

    static func expand(_ entry: String, _ groups: [String: [String]]) -> Set<String> {
        guard entry.hasPrefix("@") else { return [entry] }
        return (groups[entry] ?? []).reduce(into: Set<String>()) { $0.formUnion(expand($1, groups)) }
    }

    /// The calls the unit allows: its SystemCallFilter= lines in order, `~` ones taken away.
    static func allowed() throws -> (allowed: Set<String>, denied: Set<String>) {
        let groups = try groups()
        var allowed = Set<String>(), denied = Set<String>()
        for line in try String(contentsOf: unit, encoding: .utf8).split(separator: "\n") where line.hasPrefix("SystemCallFilter=") {
            let value = line.dropFirst("SystemCallFilter=".count)
            let deny = value.hasPrefix("~")
            for entry in value.dropFirst(deny ? 1 : 0).split(separator: " ") {
                let calls = expand(String(entry), groups)
                if deny { denied.formUnion(calls) } else { allowed.formUnion(calls) }
            }
        }
        return (allowed.subtracting(denied), denied)
    }

    @Test func everySystemCallServeMakesIsInTheUnitsFilter() async throws {
        let (allowed, denied) = try Self.allowed()
        #expect(allowed.count > 300, "the filter did not expand: \(allowed.count) calls")
        #expect(allowed.contains("epoll_wait") && allowed.contains("sendmsg") && !allowed.contains("mount"))

        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try await cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let trace = cli.dir.appendingPathComponent("serve.strace")
        let notify = try NotifySocket(in: cli.dir)
        var wrapper = [Tool.path("strace")!, "-f", "-qq", "-o", trace.path]
        if geteuid() == 0 {
            // nobody, as DynamicUser's user would be: the catalog is root's and read-only to
            // it; the folder is its own, as systemd gives StateDirectory= to the dynamic
            // user (SQLite keeps its -shm file there).
            let setpriv = try #require(Tool.path("setpriv"), "setpriv (util-linux) to drop root")
            wrapper += [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
            chown(cli.dir.path, 65534, 65534)
            chmod(notify.path, 0o777)
        }
        let server = try await ServeProcess.start(cli, environment: ["NOTIFY_SOCKET": notify.path], wrapper: wrapper)
        #expect((try await offThePool { notify.next() })?.contains("READY=1") == true)
        let body = """
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>dan@example.org</EMailAddress></Request></Autodiscover>
            """
        for head in ["GET /mail/config-v1.1.xml?emailaddress=dan@example.org HTTP/1.1\r\nHost: x\r\n",
                     "GET /email.mobileconfig?emailaddress=dan@example.org HTTP/1.1\r\nHost: x\r\n",
                     "GET /metrics HTTP/1.1\r\nHost: x\r\n",
                     "POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: \(body.utf8.count)\r\n"] {
            let answer = try await RawHTTPConnection.fetch(port: server.port, head + "Connection: close\r\n\r\n",
                                                       body: head.hasPrefix("POST") ? body : "")
            #expect(answer.status == 200, "\(head): \(answer.status)")
        }
        // The traced process is strace's child; the signals go to serve itself.
        let children = (try? String(contentsOfFile: "/proc/\(server.process.processIdentifier)/task/\(server.process.processIdentifier)/children",
                                    encoding: .utf8)) ?? ""
        let serve = try #require(children.split(separator: " ").first.flatMap { Int32($0) }, "serve's pid under strace")
        kill(serve, SIGHUP)
        #expect((try await offThePool { notify.next() })?.hasPrefix("RELOADING=1") == true)
        #expect((try await offThePool { notify.next() })?.hasPrefix("READY=1") == true)
        kill(serve, SIGTERM)
        #expect((try await offThePool { notify.next() }) == "STOPPING=1")
        #expect(try await offThePool { server.exitStatus(within: 30) } == 0, "\(server.log)")

        // From mailconf's own start: what setpriv does before it is not serve's.
        let all = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        let start = all.lastIndex { $0.contains("execve(\"\(CLI.binary.path)\"") && $0.hasSuffix("= 0") } ?? 0
        let lines = all[start...]
        var used = Set<String>()
        for line in lines {
            // "PID name(args…" (also "<unfinished …>"); resumptions, signals and exits are not calls.
            let rest = line.drop { $0.isNumber }.drop { $0 == " " }
            guard let open = rest.firstIndex(of: "("), rest[..<open].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }),
                  !rest[..<open].isEmpty else { continue }
            used.insert(String(rest[..<open]))
        }
        #expect(used.count > 20, "strace saw \(used.count) calls")
        #expect(used.subtracting(allowed).isEmpty, "outside the unit's SystemCallFilter: \(used.subtracting(allowed).sorted())")
        #expect(used.intersection(denied).isEmpty, "in ~@privileged: \(used.intersection(denied).sorted())")
        // MemoryDenyWriteExecute: no mapping both writable and executable, and nothing made
        // executable afterwards.
        let writableAndExecutable = lines.filter {
            ($0.contains("mmap(") || $0.contains("mprotect(")) && $0.contains("PROT_WRITE") && $0.contains("PROT_EXEC")
        }
        #expect(writableAndExecutable.isEmpty, "\(writableAndExecutable.prefix(3))")
        let madeExecutable = lines.filter { $0.contains("mprotect(") && $0.contains("PROT_EXEC") }
        #expect(madeExecutable.isEmpty, "\(madeExecutable.prefix(3))")
    }
}

@Suite(.enabled(if: geteuid() == 0 && Tool.path("setpriv") != nil, "needs root and setpriv (util-linux) to run serve as another user"))
struct ServeOnACatalogItCannotWrite {
    /// A catalog and folder that are root's: serve, as nobody, cannot create the -shm file
    /// SQLite reads a WAL-mode database through, and says what to change.
    @Test func aFolderTheReaderMayNotWriteIsNamed() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try await cli.run(["domains", "add", "example.org", "--provider", "fastmail"]).status == 0)
        let folder = cli.dir.path, db = cli.db
        let r = try await offThePool {
            try Tool.run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary.path, "serve", "--port", "0", "--db", db])
        }
        #expect(r.status == 1)
        #expect(r.stderr.contains("make \(folder) writable by this user"), "\(r.stderr)")
    }
}
