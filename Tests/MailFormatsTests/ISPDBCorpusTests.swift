import Foundation
import Testing
@testable import MailFormats
import MailSettings

/// The Thunderbird ISPDB copy: `MAILCONF_ISPDB`, else `../shared/ispdb` beside the checkout.
func ispdbDirectory() -> URL? {
    let env = ProcessInfo.processInfo.environment["MAILCONF_ISPDB"]
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = env.map { URL(fileURLWithPath: $0) } ?? root.deletingLastPathComponent().appendingPathComponent("shared/ispdb")
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url : nil
}

@Suite struct ISPDBCorpus {
    @Test(.enabled(if: ispdbDirectory() != nil, "ISPDB copy not found: set MAILCONF_ISPDB to a folder of clientConfig files"))
    func everyFileReadsWritesAndReadsBackTheSame() throws {
        let dir = try #require(ispdbDirectory())
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(files.count >= 163)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(file)))
            let id = String(file.dropLast(4))
            let first = try ClientConfig.read(bytes, source: file, fallbackID: id)
            let xml = try ClientConfig.write(first.provider)
            let second = try ClientConfig.read(Array(xml.utf8), source: "\(file) (written)", fallbackID: "other")
            #expect(second.provider == first.provider, "\(file) changed in a round trip")
        }
    }
}
