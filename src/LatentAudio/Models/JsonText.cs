using System.Text.Json;

namespace LatentAudio.Models;

/// <summary>
/// JsonDocument.Parse accepts strings holding invalid UTF-8 or escaped lone surrogates ("\ud800") and only fails
/// later, with InvalidOperationException, when a name or value is read as a .NET string (found by fuzzing, issue 8).
/// Reading every name and string once right after parsing turns that into the parser's one error type.
/// </summary>
internal static class JsonText
{
    public static void EnsureReadable(JsonElement element, string path, string what)
    {
        try { Walk(element); }
        catch (InvalidOperationException) { throw InvalidInputException.ForFile(path, $"{what} holds text that is not valid UTF-8/UTF-16"); }
    }

    private static void Walk(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) { _ = p.Name; Walk(p.Value); }
                break;
            case JsonValueKind.Array:
                foreach (var x in e.EnumerateArray()) Walk(x);
                break;
            case JsonValueKind.String:
                _ = e.GetString();
                break;
        }
    }
}
