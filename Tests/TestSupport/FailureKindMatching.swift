import Failures

/// Tests compare kinds with the names scripts see in `--json`, which are the stable
/// interface; sources compare with the declared constants.
public func == (kind: FailureKind?, name: String) -> Bool { kind?.name == name }
public func != (kind: FailureKind?, name: String) -> Bool { kind?.name != name }
