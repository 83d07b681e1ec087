let args = Array(CommandLine.arguments.dropFirst())
if args.first == "trace", args.count >= 2 {
    try trace(path: args[1], from: args.count > 2 ? Double(args[2]) ?? 0 : 0, to: args.count > 3 ? Double(args[3]) ?? .infinity : .infinity)
}
