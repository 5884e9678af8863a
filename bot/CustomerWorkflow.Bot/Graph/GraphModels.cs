using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>A directory user: only the fields the bot uses (the requests <c>$select</c> just these).</summary>
internal sealed record GraphUser(string Id, string? DisplayName, string? Mail, string? UserPrincipalName);

internal enum AutomaticRepliesStatus
{
    Disabled,
    AlwaysEnabled,
    Scheduled,
}

/// <summary>A person's automatic replies (out of office): on, off, or on between two moments.</summary>
internal sealed record AutomaticReplies(AutomaticRepliesStatus Status, DateTimeOffset? ScheduledStart, DateTimeOffset? ScheduledEnd)
{
    public static AutomaticReplies Off { get; } = new(AutomaticRepliesStatus.Disabled, null, null);

    /// <summary>True when the person is away at <paramref name="now"/>: always, or within the scheduled window.</summary>
    public bool IsAwayAt(DateTimeOffset now) => Status switch
    {
        AutomaticRepliesStatus.AlwaysEnabled => true,
        AutomaticRepliesStatus.Scheduled => (ScheduledStart is not { } start || now >= start) && (ScheduledEnd is not { } end || now < end),
        _ => false,
    };
}

/// <summary>
/// What an activity feed notice is about (teamworkActivityTopic): the app's installation for the person, which opens
/// the bot, or a text with a Teams link when there is no installation to point at.
/// </summary>
internal sealed record ActivityTopic(string Source, string Value, string? WebUrl)
{
    public static ActivityTopic Installation(Uri graphBaseUrl, string userId, string installationId) =>
        new("entityUrl", new Uri(graphBaseUrl, $"users/{Uri.EscapeDataString(userId)}/teamwork/installedApps/{Uri.EscapeDataString(installationId)}").AbsoluteUri, null);

    public static ActivityTopic Text(string text, Uri webUrl) => new("text", text, webUrl.AbsoluteUri);
}

/// <summary>An activity feed notice: its type (declared in the app manifest), a preview and the template's values.</summary>
internal sealed record ActivityNotice(ActivityTopic Topic, string ActivityType, string PreviewText, IReadOnlyDictionary<string, string> TemplateParameters);

/// <summary>
/// A Graph call that failed in a way the caller cannot read as "not there": refused, throttled beyond the retries, or
/// an answer that is not what Graph promises. Carries the status and Graph's error code (safe to log), never the token
/// or the request's body.
/// </summary>
internal sealed class GraphException(string message, HttpStatusCode? statusCode = null, string? errorCode = null) : Exception(message)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public string? ErrorCode { get; } = errorCode;

    /// <summary>A short reason for a notice record: <c>403 Authorization_RequestDenied</c>.</summary>
    public string Reason => StatusCode is { } status
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)status}{(ErrorCode is null ? string.Empty : " " + ErrorCode)}")
        : Message;
}

/// <summary>Graph's JSON as it arrives; mapped to the records above at once.</summary>
internal static class GraphWire
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public sealed record User(
        [property: JsonPropertyName("@odata.type")] string? ODataType,
        string? Id,
        string? DisplayName,
        string? Mail,
        string? UserPrincipalName)
    {
        /// <summary>Null for a directory object that is not a user (a group, a device, a contact), or one without an id.</summary>
        public GraphUser? ToUser() =>
            string.IsNullOrEmpty(Id) || (ODataType is not null && !string.Equals(ODataType, "#microsoft.graph.user", StringComparison.OrdinalIgnoreCase))
                ? null
                : new GraphUser(Id, DisplayName, Mail, UserPrincipalName);
    }

    public sealed record Page<T>(List<T>? Value, [property: JsonPropertyName("@odata.nextLink")] string? NextLink);

    public sealed record DateTimeTimeZone(string? DateTime, string? TimeZone);

    public sealed record AutomaticRepliesSetting(string? Status, DateTimeTimeZone? ScheduledStartDateTime, DateTimeTimeZone? ScheduledEndDateTime)
    {
        public AutomaticReplies ToReplies() => new(
            Status?.ToUpperInvariant() switch
            {
                "ALWAYSENABLED" => AutomaticRepliesStatus.AlwaysEnabled,
                "SCHEDULED" => AutomaticRepliesStatus.Scheduled,
                _ => AutomaticRepliesStatus.Disabled,
            },
            Moment(ScheduledStartDateTime),
            Moment(ScheduledEndDateTime));
    }

    public sealed record Entity(string? Id);

    public sealed record Error([property: JsonPropertyName("error")] ErrorBody? Body);

    public sealed record ErrorBody(string? Code);

    /// <summary>
    /// A dateTimeTimeZone as a moment. Graph gives these in UTC unless the mailbox says otherwise; an IANA zone is
    /// converted, and a zone this process cannot convert (Windows names, without ICU) is read as UTC, at most a day off.
    /// </summary>
    public static DateTimeOffset? Moment(DateTimeTimeZone? value)
    {
        if (value?.DateTime is not { Length: > 0 } text
            || !System.DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            return null;
        }

        var unspecified = System.DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (value.TimeZone is { Length: > 0 } zone && !string.Equals(zone, "UTC", StringComparison.OrdinalIgnoreCase)
            && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var timeZone))
        {
            return new DateTimeOffset(unspecified, timeZone.GetUtcOffset(unspecified));
        }

        return new DateTimeOffset(unspecified, TimeSpan.Zero);
    }
}
