import DBToolCommands
import Foundation

// One binary, two programs: called as `dbtool` (the release archive's symlink), it is dbtool.
if CommandLine.arguments.first.map({ URL(fileURLWithPath: $0).lastPathComponent }) == "dbtool" {
    DBTool.runAsProgram()
}
FarmRun.main()
