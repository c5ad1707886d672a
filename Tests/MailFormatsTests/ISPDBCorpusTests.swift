import Foundation
import Testing
@testable import MailFormats
import MailSettings
import TestSupport

func ispdbDirectory() -> URL? { TestEnvironment.ispdbDirectory() }

@Suite struct ISPDBCorpus {
    @Test(.enabled(if: ispdbDirectory() != nil, Comment(rawValue: TestEnvironment.ispdbMissing)))
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
