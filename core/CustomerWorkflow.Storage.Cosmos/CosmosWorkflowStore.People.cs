using System.Globalization;
using System.Text.Json;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>Settings, people, idempotency claims, sent cards and notices.</summary>
public sealed partial class CosmosWorkflowStore
{
    /// <summary>Claims are forgotten after this: far beyond any channel's redelivery window.</summary>
    private const int ClaimLifetimeSeconds = 2 * 24 * 3600;

    public async Task<SettingsRecord?> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        (await ReadSettingsAsync(cancellationToken).ConfigureAwait(false))?.Record;

    public async Task<long> SaveSettingsAsync(WorkflowSettings settings, long expectedVersion, IReadOnlyList<SettingsChange> changes, CancellationToken cancellationToken = default)
    {
        var current = _settings is { } cached && cached.Record.Version == expectedVersion ? cached : await ReadSettingsAsync(cancellationToken).ConfigureAwait(false);
        if ((current?.Record.Version ?? 0) != expectedVersion)
        {
            throw new ConcurrencyException("The settings were changed by someone else.");
        }

        // The change records of the last save get their own documents before this save lets go of them.
        if (current?.Document.LastChanges is { Count: > 0 } previous)
        {
            await Task.WhenAll(previous.Select(c => Documents.UpsertAsync(Keys.SettingsPk, c, DocJson.Default.SettingsChangeDoc, cancellationToken))).ConfigureAwait(false);
        }

        var version = expectedVersion + 1;
        var document = new SettingsDoc
        {
            Version = version,
            WriteId = Guid.NewGuid().ToString("N"),
            Settings = JsonDocument.Parse(StoredShapes.Settings(settings)).RootElement.Clone(),
            LastChanges = [.. changes.Select((c, i) => new SettingsChangeDoc { Id = string.Create(CultureInfo.InvariantCulture, $"chg|{version:D10}|{i:D4}"), Change = c })],
        };
        var written = current is null
            ? await Documents.CreateAsync(Keys.SettingsPk, document, DocJson.Default.SettingsDoc, cancellationToken).ConfigureAwait(false)
            : await Documents.ReplaceAsync(Keys.SettingsPk, document.Id, document, DocJson.Default.SettingsDoc, current.ETag, cancellationToken).ConfigureAwait(false);
        if (!written.Ok)
        {
            var now = await ReadSettingsAsync(cancellationToken).ConfigureAwait(false);
            if (now?.Document.WriteId != document.WriteId)
            {
                throw new ConcurrencyException("The settings were changed by someone else.");
            }
        }
        else
        {
            _settings = new CachedSettings(document, written.ETag!, new SettingsRecord(settings, version));
        }

        try
        {
            await Task.WhenAll(document.LastChanges.Select(c => Documents.UpsertAsync(Keys.SettingsPk, c, DocJson.Default.SettingsChangeDoc, cancellationToken))).ConfigureAwait(false);
        }
        catch (CosmosStoreException)
        {
            // They stay in the settings document until the next save writes them.
        }

        return version;
    }

    public async Task<IReadOnlyList<SettingsChange>> ListSettingsChangesAsync(int max, CancellationToken cancellationToken = default)
    {
        var stored = await Documents.QueryKindAsync(Keys.SettingsPk, "change", DocJson.Default.SettingsChangeDoc, cancellationToken).ConfigureAwait(false);
        if (await ReadSettingsAsync(cancellationToken).ConfigureAwait(false) is { } current)
        {
            stored.AddRange(current.Document.LastChanges);
        }

        return [.. stored.DistinctBy(c => c.Id).OrderByDescending(c => c.Id, StringComparer.Ordinal).Take(max).Select(c => c.Change)];
    }

    /// <summary>The settings document; parsed again only when its ETag moved (most use cases read the settings).</summary>
    private async Task<CachedSettings?> ReadSettingsAsync(CancellationToken cancellationToken)
    {
        var (document, etag) = await Documents.ReadAsync(Keys.SettingsPk, "settings", DocJson.Default.SettingsDoc, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        if (_settings is { } cached && cached.ETag == etag)
        {
            return cached;
        }

        var fresh = new CachedSettings(document, etag!, new SettingsRecord(StoredShapes.Settings(document.Settings.GetRawText()), document.Version));
        _settings = fresh;
        return fresh;
    }

    public async Task<UserProfile?> GetUserAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadProfileAsync(id, cancellationToken).ConfigureAwait(false)).Profile?.User;

    public async Task<UserProfile?> FindUserAsync(string key, CancellationToken cancellationToken = default)
    {
        // An id wins over the other keys, as in every store.
        if (await GetUserAsync(key, cancellationToken).ConfigureAwait(false) is { } byId)
        {
            return byId;
        }

        var pk = Keys.UserKey(key);
        var (pointer, _) = await Documents.ReadAsync(pk, "k", DocJson.Default.PointerDoc, cancellationToken).ConfigureAwait(false);
        return pointer is null ? null : await GetUserAsync(pointer.UserId, cancellationToken).ConfigureAwait(false) is { } user && user.IsKnownAs(key) ? user : null;
    }

    public async Task<IReadOnlyList<UserProfile>> FindUsersByNameAsync(string name, int max, CancellationToken cancellationToken = default)
    {
        var users = await ResolveUsersAsync(Keys.UserName(name), cancellationToken).ConfigureAwait(false);
        return [.. users.Where(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase)).OrderBy(u => u.Id, StringComparer.Ordinal).Take(max)];
    }

    public async Task<IReadOnlyList<UserProfile>> ListUsersWithRolesAsync(CancellationToken cancellationToken = default)
    {
        var users = await ResolveUsersAsync(Keys.RolesPk, cancellationToken).ConfigureAwait(false);
        return [.. users.Where(u => u.Roles != Roles.None).OrderBy(u => u.Name, StringComparer.Ordinal).ThenBy(u => u.Id, StringComparer.Ordinal)];
    }

    public async Task<long> SaveUserAsync(UserProfile user, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (current, etag) = await ReadProfileAsync(user.Id, cancellationToken).ConfigureAwait(false);
        if ((current?.User.Version ?? 0) != expectedVersion)
        {
            throw new ConcurrencyException($"The user {user.Id} changed since it was read (expected version {expectedVersion}).");
        }

        // Pointers first: a reader checks each against the profile, so one ahead of it is harmless, one behind it is not.
        var old = current?.User;
        var pointers = new List<Task>();
        foreach (var key in new[] { user.Upn, user.Email, user.ChannelUserId }.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)
                     .Where(k => old is null || !old.IsKnownAs(k)))
        {
            pointers.Add(Documents.UpsertAsync(Keys.UserKey(key), new PointerDoc { Id = "k", Pk = Keys.UserKey(key), UserId = user.Id }, DocJson.Default.PointerDoc, cancellationToken));
        }

        if (old is null || !string.Equals(old.Name, user.Name, StringComparison.OrdinalIgnoreCase))
        {
            pointers.Add(Documents.UpsertAsync(Keys.UserName(user.Name), new PointerDoc { Id = Keys.Id(user.Id.ToLowerInvariant()), Pk = Keys.UserName(user.Name), UserId = user.Id }, DocJson.Default.PointerDoc, cancellationToken));
        }

        if (user.Roles != Roles.None && (old is null || old.Roles == Roles.None))
        {
            pointers.Add(Documents.UpsertAsync(Keys.RolesPk, new PointerDoc { Id = Keys.Id(user.Id.ToLowerInvariant()), Pk = Keys.RolesPk, UserId = user.Id }, DocJson.Default.PointerDoc, cancellationToken));
        }

        await Task.WhenAll(pointers).ConfigureAwait(false);

        var version = expectedVersion + 1;
        var pk = Keys.User(user.Id);
        var document = new ProfileDoc { Pk = pk, WriteId = Guid.NewGuid().ToString("N"), User = user with { Version = version } };
        var written = etag is null
            ? await Documents.CreateAsync(pk, document, DocJson.Default.ProfileDoc, cancellationToken).ConfigureAwait(false)
            : await Documents.ReplaceAsync(pk, "profile", document, DocJson.Default.ProfileDoc, etag, cancellationToken).ConfigureAwait(false);
        if (!written.Ok && (await ReadProfileAsync(user.Id, cancellationToken).ConfigureAwait(false)).Profile?.WriteId != document.WriteId)
        {
            throw new ConcurrencyException($"The user {user.Id} changed since it was read (expected version {expectedVersion}).");
        }

        // Pointers that no longer lead anywhere go (best effort: readers check them anyway).
        try
        {
            if (old is not null && !string.Equals(old.Name, user.Name, StringComparison.OrdinalIgnoreCase))
            {
                await Documents.DeleteAsync(Keys.UserName(old.Name), Keys.Id(user.Id.ToLowerInvariant()), cancellationToken).ConfigureAwait(false);
            }

            if (old is { Roles: not Roles.None } && user.Roles == Roles.None)
            {
                await Documents.DeleteAsync(Keys.RolesPk, Keys.Id(user.Id.ToLowerInvariant()), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CosmosStoreException)
        {
        }

        return version;
    }

    public async Task<bool> TryClaimAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Claim(key);
        var written = await Documents.CreateAsync(pk, new ClaimDoc { Pk = pk, At = at, TimeToLive = ClaimLifetimeSeconds }, DocJson.Default.ClaimDoc, cancellationToken).ConfigureAwait(false);
        return written.Ok;
    }

    public Task ReleaseClaimAsync(string key, CancellationToken cancellationToken = default) =>
        Documents.DeleteAsync(Keys.Claim(key), "claim", cancellationToken);

    public async Task AddSentCardAsync(SentCard card, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        var pk = Keys.Customer(ProposalId.CustomerIdOf(card.ProposalId) ?? card.ProposalId);
        // Created once: the same activity recorded again keeps the first record.
        await Documents.CreateAsync(pk, new SentCardDoc { Id = Keys.SentCard(card.ProposalId, card.ActivityId), Pk = pk, Card = card }, DocJson.Default.SentCardDoc, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SentCard>> ListSentCardsAsync(string proposalId, CancellationToken cancellationToken = default)
    {
        var pk = Keys.Customer(ProposalId.CustomerIdOf(proposalId) ?? proposalId);
        var cards = await Documents.QueryKindAsync(pk, "card", DocJson.Default.SentCardDoc, cancellationToken).ConfigureAwait(false);
        return [.. cards.Select(c => c.Card).Where(c => c.ProposalId == proposalId).OrderBy(c => c.At).ThenBy(c => c.ActivityId, StringComparer.Ordinal)];
    }

    public async Task AddNoticeAsync(NoticeRecord notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var pk = Keys.Customer(notice.CustomerId);
        var document = new NoticeDoc { Id = "notice|" + Guid.NewGuid().ToString("N"), Pk = pk, Written = DateTime.UtcNow.Ticks, Notice = notice };
        await Documents.CreateAsync(pk, document, DocJson.Default.NoticeDoc, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<NoticeRecord>> ListNoticesAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var notices = await Documents.QueryKindAsync(Keys.Customer(customerId), "notice", DocJson.Default.NoticeDoc, cancellationToken).ConfigureAwait(false);
        return [.. notices.OrderBy(n => n.Notice.At).ThenBy(n => n.Written).Select(n => n.Notice)];
    }

    private async Task<(ProfileDoc? Profile, string? ETag)> ReadProfileAsync(string id, CancellationToken cancellationToken) =>
        await Documents.ReadAsync(Keys.User(id), "profile", DocJson.Default.ProfileDoc, cancellationToken).ConfigureAwait(false);

    /// <summary>The people a partition of pointers leads to (each read from their profile).</summary>
    private async Task<List<UserProfile>> ResolveUsersAsync(string pk, CancellationToken cancellationToken)
    {
        var pointers = await Documents.QueryKindAsync(pk, "pointer", DocJson.Default.PointerDoc, cancellationToken).ConfigureAwait(false);
        var users = new System.Collections.Concurrent.ConcurrentBag<UserProfile>();
        await Parallel.ForEachAsync(pointers, Options(cancellationToken), async (pointer, ct) =>
        {
            if (await GetUserAsync(pointer.UserId, ct).ConfigureAwait(false) is { } user)
            {
                users.Add(user);
            }
        }).ConfigureAwait(false);
        return [.. users.DistinctBy(u => u.Id)];
    }
}
