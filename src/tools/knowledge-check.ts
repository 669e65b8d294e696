/** `npm run knowledge:check -- PAGE [--json] [--accept]`: the knowledge against the documentation page, fact by fact. */
import { knowledgeDir } from '../core/bot.js';
import { DataError, formatProblem } from '../core/data-file.js';
import { knowledgeCheck, nothingChanged, type Acceptance, type PageCheck } from './knowledge-check/check.js';
import { PageUnreadable } from './knowledge-check/page.js';
import { command, usageError } from './cli-util.js';

const HELP = `npm run knowledge:check -- [PAGE] [--json] [--accept]

Compares the knowledge with the documentation page it is written from. PAGE is the page saved
as HTML, its text, or its http(s) address (fetched with a 10 s timeout); without PAGE, the url
in knowledge/page.yaml. Each entry names under "page:" the sections it is written from and how
each fact reads there; every such fact is read again. Reported: facts changed or missing,
cited sections whose text changed since the entry was checked, cited sections gone, and
sections no entry cites that knowledge/page.yaml does not list as carrying no facts.

  --json      {"page", "facts": [{"entry", "fact", "status", "known", "found"}],
              "sections": {"changed", "gone", "uncited"}} (with --accept, also "accepted")
  --accept    after updating the facts: record the page's fingerprints (and today as
              "checked:" where a section had changed) for every entry whose facts all
              match, and list the sections no entry cites in knowledge/page.yaml
  -h, --help  this text

Exit status: 0 nothing changed, 1 something changed (or, with --accept, an entry could
not be accepted), 2 the page or the knowledge could not be read.
Knowledge folder: KNOWLEDGE_DIR, or knowledge/.
`;

const show = (v: number | string | null) => (typeof v === 'string' ? `"${v}"` : String(v));

function report(check: PageCheck, accepting: boolean): string {
  const out: string[] = [`${check.page}: ${check.sectionCount} sections`];
  const { changed, gone, uncited } = check.sections;
  const entries = (heading: string) => {
    const ids = check.citedBy.get(heading);
    return ids ? ` (${ids.join(', ')})` : ' (knowledge/page.yaml)';
  };
  const facts = (status: 'changed' | 'missing') => check.facts.filter((f) => f.status === status);
  if (nothingChanged(check)) {
    const cited = check.citedBy.size;
    out.push(`Nothing changed: ${check.facts.length} facts read as the knowledge has them, ${cited} cited sections are as they were checked, and ${check.listed} more carry no facts (knowledge/page.yaml).`);
    return out.join('\n');
  }
  if (facts('changed').length) {
    out.push('', 'Facts changed:');
    for (const f of facts('changed')) out.push(`  ${f.entry}.${f.fact}: ${show(f.known)} → ${show(f.found)}  (in "${f.heading}")`);
  }
  if (facts('missing').length) {
    out.push('', 'Facts missing (the words around them are not in their section):');
    for (const f of facts('missing')) out.push(`  ${f.entry}.${f.fact} = ${show(f.known)}: "${f.pattern}" not found in "${f.heading}"`);
  }
  const since = changed.filter((h) => !check.unrecorded.includes(h));
  if (since.length) {
    out.push('', 'Sections whose text changed since they were checked:');
    for (const h of since) out.push(`  ${h}${entries(h)}`);
  }
  if (check.unrecorded.length) {
    out.push('', 'Sections cited without a fingerprint yet (--accept records it):');
    for (const h of check.unrecorded) out.push(`  ${h}${entries(h)}`);
  }
  if (gone.length) {
    out.push('', 'Sections gone from the page:');
    for (const h of gone) out.push(`  ${h}${entries(h)}`);
  }
  if (uncited.length) {
    out.push('', 'Sections no entry cites (nor knowledge/page.yaml as carrying no facts):');
    for (const h of uncited) out.push(`  ${h}`);
  }
  const unchanged = check.facts.filter((f) => f.status === 'unchanged').length;
  out.push('', `${unchanged} of ${check.facts.length} facts unchanged.${accepting ? '' : ' Bring the knowledge up to date, then run again with --accept.'}`);
  return out.join('\n');
}

function acceptanceReport(a: Acceptance): string {
  const out: string[] = ['', 'Accepted:'];
  out.push(`  fingerprints recorded for ${a.recorded.length ? a.recorded.join(', ') : 'no entry (all were up to date)'}`);
  if (a.dated.length) out.push(`  checked: set to today for ${a.dated.join(', ')}`);
  out.push(`  knowledge/page.yaml ${a.pageFileWritten ? 'now lists' : 'lists'} ${a.uncited.length} sections as carrying no facts${a.uncited.length ? `: ${a.uncited.join(', ')}` : ''}`);
  if (a.notAccepted.length) {
    out.push('', 'Not accepted (bring these facts up to date first):');
    for (const n of a.notAccepted) out.push(`  ${n.entry}: ${n.why.join('; ')}`);
  }
  return out.join('\n');
}

// an unknown option exits 2, never 1, which says "something changed"
const { values, positionals } = command(HELP, { json: { type: 'boolean' }, accept: { type: 'boolean' } }, true);
if (positionals.length > 1) usageError(HELP, `one PAGE at a time, not ${positionals.length}`);

try {
  const { check, acceptance } = await knowledgeCheck(positionals[0], { dir: knowledgeDir(), accept: values.accept ?? false });
  if (values.json) {
    const json = {
      page: check.page,
      facts: check.facts.map(({ entry, fact, status, known, found }) => ({ entry, fact, status, known, found })),
      sections: check.sections,
      ...(acceptance ? { accepted: { recorded: acceptance.recorded, dated: acceptance.dated, notAccepted: acceptance.notAccepted, uncited: acceptance.uncited } } : {}),
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    process.stdout.write(`${report(check, acceptance !== undefined)}${acceptance ? acceptanceReport(acceptance) : ''}\n`);
  }
  process.exitCode = acceptance ? (acceptance.notAccepted.length ? 1 : 0) : nothingChanged(check) ? 0 : 1;
} catch (error) {
  if (error instanceof PageUnreadable) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof DataError) {
    for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
  } else {
    // a failure of the check itself must not read as "something changed" (1)
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  }
  process.exitCode = 2;
}
