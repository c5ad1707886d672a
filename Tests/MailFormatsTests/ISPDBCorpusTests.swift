import Foundation
import Testing
@testable import MailFormats
import MailSettings
import TestSupport


@Suite struct ISPDBCorpus {
    @Test(.needs(.ispdb))
    func everyFileReadsWritesAndReadsBackTheSame() throws {
        let dir = try #require(TestEnvironment.ispdbDirectory())
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

    /// Every file written as 1.2 keeps its servers, validates against the 1.2 schema,
    /// and leaves a 1.1 reader the same servers as the 1.1 file does.
    @Test(.needs(.ispdb, .xmllint))
    func everyFileWrittenAs12KeepsItsServersAndValidates() throws {
        let dir = try #require(TestEnvironment.ispdbDirectory())
        let out = TemporaryFolder()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".xml") }.sorted()
        var written: [String] = []
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(file)))
            let first = try ClientConfig.read(bytes, source: file, fallbackID: String(file.dropLast(4)))
            let xml = try ClientConfig.write(first.provider, version: .v1_2)
            #expect(xml.contains(#"<clientConfig version="1.2""#), "\(file)")
            let second = try ClientConfig.read(Array(xml.utf8), source: "\(file) (1.2)", fallbackID: "other")
            #expect(second.provider.servers == first.provider.servers, "\(file): servers changed in 1.2")
            #expect(second.provider == first.provider, "\(file) changed in a 1.2 round trip")
            let legacy11 = try LegacyView.of(try ClientConfig.write(first.provider, version: .v1_1))
            #expect(try LegacyView.of(xml) == legacy11, "\(file): a 1.1 reader sees other servers in the 1.2 file")
            #expect(legacy11 == LegacyView.expected(first.provider), "\(file)")
            written.append(try out.write(file, xml).path)
        }
        #expect(written.count >= 163)
        let check = try validate12(written)
        #expect(check.ok, "\(check.output.prefix(2000))")
    }
}
