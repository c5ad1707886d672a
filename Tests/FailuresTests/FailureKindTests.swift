import Failures
import Foundation
import Testing

@Suite struct FailureKinds {
    @Test func aKindIsItsNameInJSONAndInComparisons() throws {
        let kind = FailureKind("kerberos-no-credentials", hint: "run kinit")
        #expect(String(decoding: try JSONEncoder().encode([kind]), as: UTF8.self) == #"["kerberos-no-credentials"]"#)
        #expect(try JSONDecoder().decode([FailureKind].self, from: Data(#"["kerberos-no-credentials"]"#.utf8)) == [kind])
        #expect(kind == FailureKind("kerberos-no-credentials"))
        #expect(Set([kind, FailureKind("kerberos-no-credentials")]).count == 1)
        #expect(kind.listed == "kerberos-no-credentials (run kinit)")
        #expect(FailureKind("timeout").listed == "timeout")
    }

    struct Example: MailconfError {
        var kind: FailureKind { FailureKind("example") }
        var description: String { "an example: do this" }
    }

    @Test func theMessageIsTheDescriptionUnlessSaidOtherwise() {
        let error: any MailconfError = Example()
        #expect(error.message == "an example: do this")
        #expect(error.kind.name == "example")
    }
}
