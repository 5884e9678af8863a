using System.Globalization;
using CustomerWorkflow.Core.Scheduling;

namespace CustomerWorkflow.Bot.Scheduling;

/// <summary>
/// How the scheduler runs: <c>Scheduler:Enabled</c> (default true), <c>Scheduler:IntervalSeconds</c> between passes
/// (default 60), <c>Scheduler:LeaseSeconds</c> an instance holds a claimed item (default 300; a dead instance's items wait
/// this long), and when digests go out: <c>Digest:Hour</c> (0–23, default 8) in <c>Digest:TimeZone</c> (an IANA or
/// Windows id, default UTC). A value that cannot work stops the host at start, naming the setting.
/// </summary>
internal sealed class SchedulerOptions
{
    public const string EnabledKey = "Scheduler:Enabled";
    public const string IntervalKey = "Scheduler:IntervalSeconds";
    public const string LeaseKey = "Scheduler:LeaseSeconds";
    public const string DigestHourKey = "Digest:Hour";
    public const string DigestTimeZoneKey = "Digest:TimeZone";

    public bool Enabled { get; init; } = true;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    public DigestSchedule Digest { get; init; } = DigestSchedule.Default;

    public static SchedulerOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var interval = Seconds(configuration, IntervalKey, 60, 1, 86_400);
        var lease = Seconds(configuration, LeaseKey, 300, 30, 86_400);
        var hour = Whole(configuration, DigestHourKey, 8, 0, 23);
        var zoneText = configuration[DigestTimeZoneKey];
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(zoneText))
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(zoneText.Trim());
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new InvalidOperationException($"{DigestTimeZoneKey} must be a time zone id such as Europe/Amsterdam or UTC, not '{zoneText}'.", e);
            }
        }

        return new SchedulerOptions
        {
            Enabled = configuration.GetValue(EnabledKey, true),
            Interval = TimeSpan.FromSeconds(interval),
            Lease = TimeSpan.FromSeconds(lease),
            Digest = new DigestSchedule(hour, zone),
        };
    }

    private static int Seconds(IConfiguration configuration, string key, int fallback, int min, int max) => Whole(configuration, key, fallback, min, max);

    private static int Whole(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{key} must be a whole number from {min} to {max}, not '{text}'."));
    }
}
