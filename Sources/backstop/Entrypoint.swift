import Backstop
import Foundation

@main
struct Entrypoint {
    static func main() async {
        BackstopCommand.prepareProcess()
        exit(await BackstopCommand.runMain())
    }
}
