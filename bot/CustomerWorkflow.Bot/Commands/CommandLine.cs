using System.Text;

namespace CustomerWorkflow.Bot.Commands;

/// <summary>One word of a command; <see cref="EqualsAt"/> is where an unquoted <c>=</c> splits it (or -1).</summary>
public sealed record Token(string Text, int EqualsAt)
{
    public bool IsPair => EqualsAt > 0;

    public string Key => IsPair ? Text[..EqualsAt] : Text;

    public string Value => IsPair ? Text[(EqualsAt + 1)..] : string.Empty;
}

/// <summary>
/// Splits a chat command into words: whitespace separates, double quotes (straight or curly, as phones type them)
/// group, and <c>field="a value"</c> stays one word with its <c>=</c> marked.
/// </summary>
public static class CommandLine
{
    private static bool IsOpeningQuote(char c) => c is '"' or '\u201C' or '\u201E';

    private static bool IsClosingQuote(char c) => c is '"' or '\u201D' or '\u201C';

    /// <summary>The words of <paramref name="text"/>; null with an error when a quote is left open.</summary>
    public static IReadOnlyList<Token>? Tokenize(string text, out string? error)
    {
        error = null;
        var tokens = new List<Token>();
        var current = new StringBuilder();
        var equalsAt = -1;
        var inToken = false;
        var quoted = false;
        foreach (var raw in text)
        {
            var c = raw == '\u00A0' ? ' ' : raw;
            if (quoted)
            {
                if (IsClosingQuote(c))
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (IsOpeningQuote(c))
            {
                quoted = true;
                inToken = true;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                Flush();
                continue;
            }

            if (c == '=' && equalsAt < 0)
            {
                equalsAt = current.Length;
            }

            current.Append(c);
            inToken = true;
        }

        if (quoted)
        {
            error = "A quote is not closed. Put values with spaces in double quotes, like \"New York\".";
            return null;
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (inToken)
            {
                tokens.Add(new Token(current.ToString(), equalsAt));
            }

            current.Clear();
            equalsAt = -1;
            inToken = false;
        }
    }

    /// <summary>The words from <paramref name="start"/> on, joined by single spaces (a comment, a reason); null when none.</summary>
    public static string? Rest(IReadOnlyList<Token> tokens, int start)
    {
        if (start >= tokens.Count)
        {
            return null;
        }

        var rest = string.Join(' ', tokens.Skip(start).Select(t => t.Text)).Trim();
        return rest.Length == 0 ? null : rest;
    }
}
