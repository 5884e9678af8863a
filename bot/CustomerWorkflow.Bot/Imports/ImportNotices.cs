using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// What approvers hear about the proposals an import submitted: one notice each, not one per proposal (an import may
/// submit thousands), pointing at their inbox. Who is due is read from the first proposals: an import submits every
/// proposal under the same workflow, so they share their first step.
/// </summary>
internal sealed class ImportNotices(ProposalEngine engine, IServiceScopeFactory scopes)
{
    private const int ProposalsSampled = 50;

    public async Task<IReadOnlyList<Notice>> ForAsync(ImportResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var record = result.Record;
        if (record.DryRun || result.SubmittedProposals.Count == 0)
        {
            return [];
        }

        var approvers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in result.SubmittedProposals.Take(ProposalsSampled))
        {
            try
            {
                approvers.UnionWith((await engine.GetProposalAsync(id, cancellationToken).ConfigureAwait(false)).DueApprovers);
            }
            catch (WorkflowException)
            {
                // Decided or gone meanwhile: nobody to tell about it.
            }
        }

        var count = result.SubmittedProposals.Count;
        var text = $"{record.ActorName}'s import of {record.FileName} submitted {Text.Plural(count, "proposal")} for approval. Type `inbox` to see the ones waiting for you.";
        return [.. approvers.Select(a => new Notice(a, text))];
    }

    /// <summary>Sends notices outside any turn (the API, the command line): through each person's stored 1:1 chat.</summary>
    /// <returns>The names of the people who could not be reached.</returns>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        if (notices.Count == 0)
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var notifier = scope.ServiceProvider.GetRequiredService<Notifier>();
        return await notifier.SendAsync(notices, null, cancellationToken).ConfigureAwait(false);
    }
}
