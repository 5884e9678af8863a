using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Scheduling;

/// <summary>Scheduler and digest settings that cannot work stop the host at start, naming the setting.</summary>
public sealed class SchedulerStartupTests
{
    [Theory]
    [InlineData("Digest:TimeZone", "Mars/Olympus_Mons", "Digest:TimeZone must be a time zone id such as Europe/Amsterdam or UTC, not 'Mars/Olympus_Mons'.")]
    [InlineData("Digest:Hour", "24", "Digest:Hour must be a whole number from 0 to 23, not '24'.")]
    [InlineData("Scheduler:IntervalSeconds", "0", "Scheduler:IntervalSeconds must be a whole number from 1 to 86400, not '0'.")]
    [InlineData("Scheduler:LeaseSeconds", "five minutes", "Scheduler:LeaseSeconds must be a whole number from 30 to 86400, not 'five minutes'.")]
    public async Task A_scheduler_setting_that_cannot_work_stops_the_host_at_start(string key, string value, string message)
    {
        var database = Path.Combine(Path.GetTempPath(), $"cw-scheduler-start-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?> { [key] = value, ["Storage:Sqlite:Path"] = database };

        try
        {
            var failure = await Record.ExceptionAsync(async () => await (await KestrelBotHost.StartAsync(settings)).App.DisposeAsync());

            var refusal = Assert.IsType<InvalidOperationException>(failure);
            Assert.Equal(message, refusal.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in (string[])["", "-wal", "-shm"])
            {
                File.Delete(database + suffix);
            }
        }
    }
}
