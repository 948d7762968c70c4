"""The welcome view of an empty library: how to bring a digest in, and the keys."""

from __future__ import annotations

WELCOME = """
<h2>Welcome to readinglist</h2>
<p>Your library is empty. Bring in a trending-papers digest:</p>
<ul>
<li><b>Paste your first digest:</b> copy it from the web page or the e-mail, then choose
<b>Edit &gt; Paste digest</b> (Ctrl+Shift+V).</li>
<li><b>Import a file:</b> <b>File &gt; Import digest…</b> takes a saved
<code>.txt</code>, <code>.eml</code> or <code>.html</code> file.</li>
<li><b>Drop it:</b> drag digest files, or the digest's text, onto this window.</li>
</ul>
<p>Then triage with the keyboard: <b>j</b>/<b>k</b> move, <b>1</b>-<b>6</b> set the status
(unread, queued, reading, read, skimmed, dropped) and go on to the next paper,
<b>Ctrl+0</b>-<b>5</b> rate, <b>Enter</b> or <b>a</b> opens the paper, <b>o</b> the code,
<b>p</b> the project page, <b>n</b> the notes (Esc comes back), <b>/</b> searches,
<b>?</b> lists every shortcut.</p>
"""
