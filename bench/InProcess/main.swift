// In-process measurements for the bench/ scripts, without process start-up:
//   mailconf-bench lookup CATALOG [ISPDB-DIR]   median of 10,000 domain lookups (target < 50 µs)
//   mailconf-bench import CATALOG ISPDB-DIR      one import of the folder into a fresh catalog
//   mailconf-bench smtp HOST PORT CA-FILE USER PASSWORD-FILE SESSIONS PARALLEL
//                                                full sessions: connect, STARTTLS, AUTH PLAIN, QUIT
import Catalog
import Foundation
import MailFormats
import SMTPClient

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
default:
    fail("unknown mode \(mode): lookup, import or smtp")
}
