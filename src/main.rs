fn main() -> std::process::ExitCode {
    tsushin::cli::run()
}
