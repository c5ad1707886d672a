extension Duration {
    /// For the latency histogram and the access log's milliseconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
