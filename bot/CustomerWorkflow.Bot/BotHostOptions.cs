using System.Diagnostics.CodeAnalysis;

namespace CustomerWorkflow.Bot;

/// <summary>The host's settings from the command line and the environment; <c>--db</c> wins over the variable.</summary>
/// <param name="DatabasePath">The SQLite database file, as a full path.</param>
internal sealed record BotHostOptions(string DatabasePath, bool ShowHelp = false)
{
    public const string DatabaseVariable = "CUSTOMERWORKFLOW_DB";

    public static readonly string DefaultDatabasePath = Path.Combine("data", "customerworkflow.db");

    public const string Usage = $"""
        Usage: dotnet run --project bot/CustomerWorkflow.Bot [-- --db <path>]
          --db <path>   the SQLite database file (default: data/customerworkflow.db in the current directory;
                        or set {DatabaseVariable})
          --help        this text
        """;

    /// <summary>Reads the arguments; relative paths are taken from the current directory.</summary>
    public static bool TryParse(IReadOnlyList<string> args, string? databaseVariable,
        [NotNullWhen(true)] out BotHostOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        error = null;
        var path = string.IsNullOrWhiteSpace(databaseVariable) ? DefaultDatabasePath : databaseVariable.Trim();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--db" when i + 1 < args.Count && !string.IsNullOrWhiteSpace(args[i + 1]):
                    path = args[++i].Trim();
                    break;
                case "--db":
                    error = "--db needs a path, like --db data/customerworkflow.db.";
                    return false;
                case "--help" or "-h" or "-?":
                    help = true;
                    break;
                default:
                    error = $"Unknown argument '{args[i]}'.";
                    return false;
            }
        }

        options = new BotHostOptions(Path.GetFullPath(path), help);
        return true;
    }
}
