// In-process measurements for the bench/ scripts, without process start-up:
//   mailconf-bench lookup CATALOG [ISPDB-DIR]   median of 10,000 domain lookups (target < 50 µs)
//   mailconf-bench import CATALOG ISPDB-DIR      one import of the folder into a fresh catalog
import Catalog
import Foundation

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
default:
    fail("unknown mode \(mode): lookup or import")
}
