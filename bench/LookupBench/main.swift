// Domain lookups in-process: the median of 10,000 `providerIDs(forDomain:)` calls
// on a catalog holding the presets (and the ISPDB when given), against a 50 µs target.
import Catalog
import Foundation

let args = CommandLine.arguments.dropFirst()
guard let dbPath = args.first else {
    FileHandle.standardError.write(Data("usage: mailconf-lookup-bench CATALOG.sqlite [ISPDB-DIR]\n".utf8))
    exit(2)
}
let catalog = try Catalog(path: dbPath)
if args.count > 1 {
    _ = try catalog.importFiles([String(args[args.index(after: args.startIndex)])])
}
// A mix of hits (presets and imported) and misses.
var domains = try catalog.entries().flatMap(\.provider.domains)
domains += (0..<max(10, domains.count / 4)).map { "no-such-domain-\($0).example" }
let iterations = 10_000
var samples: [UInt64] = []
samples.reserveCapacity(iterations)
var hits = 0
for i in 0..<iterations {
    let domain = domains[i % domains.count]
    let start = DispatchTime.now().uptimeNanoseconds
    let ids = try catalog.providerIDs(forDomain: domain)
    samples.append(DispatchTime.now().uptimeNanoseconds - start)
    if !ids.isEmpty { hits += 1 }
}
samples.sort()
func micro(_ ns: UInt64) -> String { String(format: "%.1f", Double(ns) / 1000) }
let median = samples[samples.count / 2]
print("lookups: \(iterations) over \(domains.count) domains (\(hits) hits)")
print("median: \(micro(median)) µs   p90: \(micro(samples[samples.count * 9 / 10])) µs   p99: \(micro(samples[samples.count * 99 / 100])) µs")
print("target: median under 50 µs -> \(median < 50_000 ? "met" : "NOT met")")
