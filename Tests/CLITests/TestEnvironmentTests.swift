import Foundation
import Testing
import TestSupport

/// What the tests need from outside the repository (TestSupport's Requirement), and the
/// lab's one list of ports.
@Suite struct TheTestEnvironment {
    /// In CI (CI set, or MAILCONF_REQUIRE_LAB=1) a missing requirement fails the run,
    /// naming its Debian packages. Elsewhere the tests that need it are reported skipped,
    /// and so is this check.
    @Test(.enabled(if: Requirement.areRequired, "not in CI: a missing requirement only skips the tests that need it (CI or MAILCONF_REQUIRE_LAB=1 requires all)"),
          arguments: Requirement.allCases)
    func everyRequirementIsThere(_ requirement: Requirement) {
        #expect(requirement.isAvailable, Comment(rawValue: requirement.missing))
    }

    /// LabPort and LabAddress name exactly the ports and addresses of scripts/lab.list,
    /// from which scripts/test-servers.sh writes the env file; no two ports are one.
    @Test func labPortNamesTheListsPorts() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("scripts/lab.list"), encoding: .utf8)
        let entries: [(name: String, value: String)] = text.split(separator: "\n").compactMap { line in
            let code = line.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard let equals = code.firstIndex(of: "=") else { return nil }
            return (String(code[..<equals]), String(code[code.index(after: equals)...]))
        }
        let ports = entries.filter { $0.name.hasSuffix("_PORT") }
        #expect(Set(ports.map(\.name)) == Set(LabPort.allCases.map(\.rawValue)))
        #expect(Set(entries.map(\.name).filter { $0.hasSuffix("_ADDRESS") }) == Set(LabAddress.allCases.map(\.rawValue)))
        #expect(Set(entries.map(\.name)).count == entries.count, "a name is in scripts/lab.list twice")
        #expect(Set(ports.map(\.value)).count == ports.count, "two ports in scripts/lab.list are the same")
    }

    /// The running lab's env file has every port and address of the list.
    @Test(.needs(.lab)) func theLabsEnvFileHasEveryPort() throws {
        let lab = try #require(LabServers.current)
        for port in LabPort.allCases { #expect(lab.port(port) != 0, "\(port) is not in the lab's env file") }
        for address in LabAddress.allCases { #expect(lab.address(address) != nil, "\(address) is not in the lab's env file") }
    }
}
