import Backstop
import Foundation

@main
struct Entrypoint {
    static func main() async {
        exit(await BackstopCommand.runMain())
    }
}
