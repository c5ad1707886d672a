import ArgumentParser

@main
struct Mailconf: ParsableCommand {
    func run() {}
}
