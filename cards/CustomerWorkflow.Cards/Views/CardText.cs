using System.Globalization;

namespace CustomerWorkflow.Cards.Views;

internal static class CardText
{
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
