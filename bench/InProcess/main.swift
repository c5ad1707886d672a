// In-process measurements for the bench/ scripts, without process start-up:
//   mailconf-bench lookup CATALOG [ISPDB-DIR]   median of 10,000 domain lookups (target < 50 µs)
//   mailconf-bench import CATALOG ISPDB-DIR      one import of the folder into a fresh catalog
//   mailconf-bench verify COMBOS-FILE CA-FILE USER PASSWORD-FILE PARALLEL ALT-PORTS
//                                                live checks of "port security mechanism good|bad" lines,
//                                                then how long a failing setting's alternatives take
//   mailconf-bench smtp HOST PORT CA-FILE USER PASSWORD-FILE SESSIONS PARALLEL
//                                                full sessions: connect, STARTTLS, AUTH PLAIN, QUIT
import Catalog
import Foundation
import MailFormats
import MailSettings
import SASL
import SMTPClient
import Validator

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(2)
}

func micro(_ ns: UInt64) -> String { String(format: "%.1f", Double(ns) / 1000) }
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 2 else { fail("usage: mailconf-bench lookup|import CATALOG.sqlite [ISPDB-DIR]") }
let (mode, dbPath) = (args[0], args[1])

switch mode {
case "lookup":
    let catalog = try Catalog(path: dbPath)
    if args.count > 2 { _ = try catalog.importFiles([args[2]]) }
    // A mix of hits (presets and imported) and misses.
    var domains = try catalog.entries().flatMap(\.provider.domains)
    domains += (0..<max(10, domains.count / 4)).map { "no-such-domain-\($0).example" }
    let iterations = 10_000
    var samples: [UInt64] = []
    samples.reserveCapacity(iterations)
    var hits = 0
    for i in 0..<iterations {
        let domain = domains[i % domains.count]
        let start = now()
        let ids = try catalog.providerIDs(forDomain: domain)
        samples.append(now() - start)
        if !ids.isEmpty { hits += 1 }
    }
    samples.sort()
    let median = samples[samples.count / 2]
    print("lookups: \(iterations) over \(domains.count) domains (\(hits) hits)")
    print("median: \(micro(median)) µs   p90: \(micro(samples[samples.count * 9 / 10])) µs   p99: \(micro(samples[samples.count * 99 / 100])) µs")
    print("target: median under 50 µs -> \(median < 50_000 ? "met" : "NOT met")")
case "import":
    guard args.count > 2 else { fail("import needs the ISPDB folder") }
    let catalog = try Catalog(path: dbPath)          // created and seeded before the clock starts
    let start = now()
    let report = try catalog.importFiles([args[2]])
    let elapsed = now() - start
    print("in-process import: \(report.imported.count) files in \(micro(elapsed / 1000)) ms")
    // The parse alone, warm, for the breakdown: read + libxml2 + model, no database.
    let files = try FileManager.default.contentsOfDirectory(atPath: args[2]).filter { $0.hasSuffix(".xml") }
    let parseStart = now()
    for file in files {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: args[2]).appendingPathComponent(file)))
        _ = try ClientConfig.read(bytes, source: file, fallbackID: String(file.dropLast(4)))
    }
    print("  of which parsing (warm, again): \(micro((now() - parseStart) / 1000)) ms")
case "smtp":
    guard args.count >= 7, let port = Int(args[2]), let total = Int(args[6]), let parallel = Int(args[7]) else {
        fail("smtp needs HOST PORT CA-FILE USER PASSWORD-FILE SESSIONS PARALLEL")
    }
    let host = args[1]
    let options = SMTPSessionOptions(host: host, port: port, tls: .startTLS, trust: .caFile(args[3]), connectTimeout: 10, replyTimeout: 30)
    let user = args[4]
    let password = Secret(try String(contentsOfFile: args[5], encoding: .utf8))
    let start = now()
    let failures = await withTaskGroup(of: Int.self) { group in
        var started = 0
        var failed = 0
        func one() async -> Int {
            let session = SMTPSession(options: options)
            defer { Task { await session.close() } }
            do {
                try await session.open()
                try await session.authenticate(PlainMechanism(username: user, password: password))
                await session.close()
                return 0
            } catch {
                FileHandle.standardError.write(Data("session failed: \(error)\n".utf8))
                return 1
            }
        }
        while started < min(parallel, total) { group.addTask { await one() }; started += 1 }
        for await result in group {
            failed += result
            if started < total { group.addTask { await one() }; started += 1 }
        }
        return failed
    }
    let elapsed = now() - start
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    print("sessions: \(total) (\(parallel) at a time), failed: \(failures)")
    print(String(format: "wall: %.2f s   cpu per session: %.2f ms   peak memory: %.1f MB",
                 Double(elapsed) / 1e9, cpu * 1000 / Double(total), Double(usage.ru_maxrss) / 1024))
case "verify":
    guard args.count >= 7, let parallel = Int(args[5]) else {
        fail("verify needs COMBOS-FILE CA-FILE USER PASSWORD-FILE PARALLEL ALT-PORTS(tls,starttls,starttls)")
    }
    let lines = try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
    let user = args[3]
    let password = Secret(try String(contentsOfFile: args[4], encoding: .utf8))
    func request(_ f: [Substring]) throws -> VerifyRequest {
        let security = try ConnectionSecurity(parsing: String(f[1]))
        let mechanism = f[2] == "-" ? nil : MechanismName(String(f[2]))
        let setting = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(parsing: String(f[0])),
                                        security: security, authentication: mechanism == nil ? [.none] : [.passwordCleartext])
        return VerifyRequest(setting: setting, username: user, secret: f[3] == "good" ? password : Secret("wrong"),
                             mechanism: mechanism, trust: .caFile(args[2]), timeout: 15)
    }
    let requests = try lines.map(request)
    let start = now()
    var kinds: [String: Int] = [:]
    await withTaskGroup(of: String.self) { group in
        var next = 0
        while next < min(parallel, requests.count) { let r = requests[next]; group.addTask { await LiveCheck.verify(r).kind?.name ?? "ok" }; next += 1 }
        for await kind in group {
            kinds[kind, default: 0] += 1
            if next < requests.count { let r = requests[next]; group.addTask { await LiveCheck.verify(r).kind?.name ?? "ok" }; next += 1 }
        }
    }
    let elapsed = now() - start
    print("checks: \(requests.count) (\(parallel) at a time) in \(String(format: "%.2f", Double(elapsed) / 1e9)) s")
    print("outcomes: " + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    // A failing setting (SSL/TLS on the STARTTLS port) and its alternatives.
    let ports = args[6].split(separator: ",").compactMap { UInt16($0) }
    let failing = try request(["\(ports[1])", "tls", "PLAIN", "good"].map { Substring($0) })
    let alternatives: [(port: UInt16, security: ConnectionSecurity)] = [(ports[0], .tls), (ports[1], .starttls), (ports[2], .starttls)]
    let altStart = now()
    let result = await LiveCheck.verifyWithAlternatives(failing, alternatives: alternatives, probeTimeout: 2)
    let altSeconds = Double(now() - altStart) / 1e9
    print(String(format: "failing setting to working alternative: %.3f s (target < 2 s: %@) — %@", altSeconds,
                 altSeconds < 2 ? "met" : "NOT met", result.suggestion ?? "no alternative found"))
default:
    fail("unknown mode \(mode): lookup, import, verify or smtp")
}
