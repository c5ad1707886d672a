import Catalog
import Failures
import HTTPKit
import MailSettings

extension ServiceRefusal {
    /// The catalog's refusals, each with the status that fits it.
    static func from(_ error: CatalogError) -> ServiceRefusal {
        switch error {
        case .invalid(let v):
            return ServiceRefusal(.unprocessableContent, v.description, kind: v.kind, field: v.field)
        case .unknownProvider:
            return ServiceRefusal(.unprocessableContent, error.description, kind: error.kind, field: "provider")
        case .domainUnknown, .unknownServer:
            return ServiceRefusal(.notFound, error.description, kind: error.kind)
        case .domainTaken, .idTaken, .providerInUse:
            return ServiceRefusal(.conflict, error.description, kind: error.kind)
        case .readOnlyPreset:
            return ServiceRefusal(.forbidden, error.description, kind: error.kind)
        default:
            return ServiceRefusal(.serviceUnavailable, error.description, kind: error.kind)
        }
    }

    /// A server field the model refuses, naming the field.
    static func invalid(_ e: MailSettings.ValidationError) -> ServiceRefusal {
        ServiceRefusal(.unprocessableContent, e.description, kind: e.kind, field: e.field)
    }
}

extension FailureKind {
    /// A request body over ``AdminAPI/largestBody``.
    static let adminBodyTooLarge = FailureKind("body-too-large")
}
