using System.Globalization;

namespace LatentAudio.Cli;

/// <summary>Wrong use of the command line: exit code 2 with the command's usage hint.</summary>
public sealed class UsageException(string message) : InvalidInputException(message);

/// <summary>
/// A small GNU-style argument reader. A command asks for its options and flags first (each is removed from the
/// token list as it is read), then for the positionals; anything left that looks like an option is an error.
/// </summary>
public sealed class CommandArgs
{
    private readonly List<string> _tokens;

    public CommandArgs(IEnumerable<string> tokens) => _tokens = tokens.ToList();

    /// <summary>The value of "--name V" or "--name=V" (or an alias such as "-o V"); the last one wins.</summary>
    public string? Option(string name, params string[] aliases)
    {
        string? value = null;
        for (int i = 0; i < _tokens.Count; i++)
        {
            var t = _tokens[i];
            if (t == "--") break;
            if (t == name || aliases.Contains(t))
            {
                if (i + 1 >= _tokens.Count) throw new UsageException($"{name} needs a value");
                value = _tokens[i + 1];
                _tokens.RemoveRange(i, 2);
                i--;
            }
            else if (t.StartsWith(name + "=", StringComparison.Ordinal))
            {
                value = t[(name.Length + 1)..];
                _tokens.RemoveAt(i);
                i--;
            }
        }
        return value;
    }

    /// <summary>"--name" alone (then <paramref name="bare"/>), "--name V" when V is one of <paramref name="values"/>
    /// (anything else after it stays a positional), or "--name=V"; null when absent.</summary>
    public string? OptionalValue(string name, IReadOnlyCollection<string> values, string bare)
    {
        string? value = null;
        for (int i = 0; i < _tokens.Count; i++)
        {
            var t = _tokens[i];
            if (t == "--") break;
            if (t == name)
            {
                bool named = i + 1 < _tokens.Count && values.Contains(_tokens[i + 1]);
                value = named ? _tokens[i + 1] : bare;
                _tokens.RemoveRange(i, named ? 2 : 1);
                i--;
            }
            else if (t.StartsWith(name + "=", StringComparison.Ordinal))
            {
                value = t[(name.Length + 1)..];
                _tokens.RemoveAt(i);
                i--;
            }
        }
        return value;
    }

    /// <summary>Every value of a repeatable option.</summary>
    public IReadOnlyList<string> Options(string name, params string[] aliases)
    {
        var values = new List<string>();
        while (Option(name, aliases) is { } v) values.Add(v);
        return values;
    }

    public bool Flag(string name, params string[] aliases)
    {
        bool found = false;
        for (int i = 0; i < _tokens.Count; i++)
        {
            if (_tokens[i] == "--") break;
            if (_tokens[i] == name || aliases.Contains(_tokens[i]))
            {
                found = true;
                _tokens.RemoveAt(i);
                i--;
            }
        }
        return found;
    }

    public double? Double(string name, params string[] aliases)
    {
        var v = Option(name, aliases);
        if (v is null) return null;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new UsageException($"{name} expects a number, got '{v}'");
        return d;
    }

    public int? Int(string name, params string[] aliases)
    {
        var v = Option(name, aliases);
        if (v is null) return null;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d))
            throw new UsageException($"{name} expects an integer, got '{v}'");
        return d;
    }

    /// <summary>Call after every option and flag was read: the rest must be positionals.</summary>
    public IReadOnlyList<string> Positionals(int min = 0, int max = int.MaxValue)
    {
        var result = new List<string>();
        bool literal = false;
        foreach (var t in _tokens)
        {
            if (!literal && t == "--") { literal = true; continue; }
            if (!literal && t.Length > 1 && t[0] == '-' && !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new UsageException($"unknown option '{t}'");
            result.Add(t);
        }
        if (result.Count < min) throw new UsageException(min == 1 ? "missing input argument" : $"expected at least {min} arguments, got {result.Count}");
        if (result.Count > max) throw new UsageException($"expected at most {max} arguments, got {result.Count}: '{result[max]}' is extra");
        return result;
    }
}
