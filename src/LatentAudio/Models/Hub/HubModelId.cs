using System.Text.RegularExpressions;

namespace LatentAudio.Models.Hub;

/// <summary>A hub repository and revision: <c>org/name</c> or <c>org/name@revision</c> (branch, tag or commit).</summary>
public sealed partial record HubModelId(string RepoId, string Revision)
{
    public const string DefaultRevision = "main";

    /// <summary>True when <paramref name="revision"/> is a full commit hash (huggingface_hub REGEX_COMMIT_HASH).</summary>
    public static bool IsCommitHash(string revision) => CommitHash().IsMatch(revision);

    /// <summary>
    /// Parses an alias (<see cref="KnownModels"/>) or an <c>org/name</c> id, each with an optional <c>@revision</c>;
    /// null when <paramref name="spec"/> is neither.
    /// </summary>
    public static HubModelId? TryParse(string spec)
    {
        var at = spec.IndexOf('@');
        var name = at < 0 ? spec : spec[..at];
        var revision = at < 0 ? DefaultRevision : spec[(at + 1)..];
        if (!IsValidRevision(revision)) return null;
        if (KnownModels.Find(name) is { } known) return new HubModelId(known.Id, revision);
        var parts = name.Split('/');
        if (parts.Length != 2 || !parts.All(IsValidNamePart)) return null;
        return new HubModelId(name, revision);
    }

    public override string ToString() => Revision == DefaultRevision ? RepoId : $"{RepoId}@{Revision}";

    // Hub naming rules (huggingface_hub utils/_validators.py validate_repo_id): letters, digits, '-', '_', '.';
    // no '--' or '..'; not starting or ending with '-' or '.'; at most 96 characters.
    private static bool IsValidNamePart(string s) =>
        s.Length is > 0 and <= 96 && NamePart().IsMatch(s) && !s.Contains("--") && !s.Contains("..")
        && s[0] is not ('-' or '.') && s[^1] is not ('-' or '.');

    // A revision becomes a path under refs/ and a URL segment: refuse anything that could climb out of the cache.
    private static bool IsValidRevision(string r) =>
        r.Length is > 0 and <= 255 && RevisionChars().IsMatch(r) && !r.Split('/').Any(p => p is "" or "." or "..");

    [GeneratedRegex("^[0-9a-f]{40}$")] private static partial Regex CommitHash();
    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$")] private static partial Regex NamePart();
    [GeneratedRegex(@"^[A-Za-z0-9_.\-/]+$")] private static partial Regex RevisionChars();
}
