import DBToolCommands

DBTool.runAsProgram()
