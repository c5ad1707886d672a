/// The kinds the core itself raises.
extension FailureKind {
    /// A value that cannot be used as given (a CR or LF in a command's argument, say).
    public static let invalidInput = FailureKind("invalid-input")
}
