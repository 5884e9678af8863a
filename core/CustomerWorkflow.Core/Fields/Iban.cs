using System.Globalization;
using System.Text;

namespace CustomerWorkflow.Core.Fields;

/// <summary>IBAN checks (ISO 13616): country, length for that country, mod-97 checksum.</summary>
public static class Iban
{
    // Lengths from the SWIFT IBAN registry for the countries that issue IBANs.
    private static readonly Dictionary<string, int> Lengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22,
        ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28,
        ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20,
        ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MD"] = 24,
        ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24, ["SC"] = 31,
        ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23, ["TN"] = 24,
        ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    };

    /// <summary>The IBAN in electronic form (upper case, no spaces), or null when it is not a valid IBAN.</summary>
    public static string? TryNormalize(string input)
    {
        var compact = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                return null;
            }

            compact.Append(char.ToUpperInvariant(c));
        }

        var s = compact.ToString();
        if (s.Length < 5 || !char.IsAsciiLetter(s[0]) || !char.IsAsciiLetter(s[1]) || !char.IsAsciiDigit(s[2]) || !char.IsAsciiDigit(s[3]))
        {
            return null;
        }

        if (!Lengths.TryGetValue(s[..2], out var length) || s.Length != length)
        {
            return null;
        }

        return Mod97(s[4..] + s[..4]) == 1 ? s : null;
    }

    /// <summary>Builds a valid IBAN from a country and a BBAN by computing the check digits (sample data, tests).</summary>
    public static string Create(string country, string bban)
    {
        var remainder = Mod97(bban.ToUpperInvariant() + country.ToUpperInvariant() + "00");
        var check = (98 - remainder).ToString("00", CultureInfo.InvariantCulture);
        return TryNormalize(country + check + bban)
            ?? throw new ArgumentException($"{country}{check}{bban} is not a valid IBAN for {country}.", nameof(bban));
    }

    private static int Mod97(string rearranged)
    {
        var remainder = 0;
        foreach (var c in rearranged)
        {
            // Letters count as two digits (A = 10 … Z = 35).
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
        }

        return remainder;
    }
}
