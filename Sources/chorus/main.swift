import ChorusCLI

ChorusCommand.main()
