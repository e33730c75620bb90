// The supervision console: draws the page named by the path from the API, read through /console/api
// (the server adds the agent's access token; this script never sees a token).

const KINDS = {
  orientation_legal: 'Orientation (délai légal)',
  orientation_target: 'Orientation (délai cible)',
  first_appointment: 'Premier rendez-vous',
  first_contract: 'Premier contrat d’engagement',
  contract_end: 'Fin de contrat',
  contact_gap: 'Contact avec le référent',
  balanced_review: 'Examen de situation',
  accompaniment_end: 'Fin d’accompagnement',
  suspension_end: 'Fin de suspension',
  legacy_contract: 'Contrat (entrée avant 2025)',
  intensive_contact: 'Entretiens de l’accompagnement intensif',
  joint_review: 'Examen pluridisciplinaire',
  orientation_after_interruption: 'Réorientation après interruption',
  activity_shortfall: 'Heures d’activité insuffisantes',
  invitation_answer: 'Réponse à l’invitation',
};
/** The CALPAE indicators (DOMAIN.md §5.1), drawn on the indicators page. */
const CALPAE = [
  'calpae.new_entrants',
  'calpae.oriented_within_1_month',
  'calpae.entry_to_orientation_days_mean',
  'calpae.entry_to_orientation_days_median',
  'calpae.first_appointments_fixed',
  'calpae.first_appointments_within_2_weeks',
  'calpae.first_contracts',
  'calpae.first_contracts_within_2_months',
  'calpae.orientations_flow',
  'calpae.global_accompaniment_orientations',
  'calpae.global_accompaniment_stock',
  'calpae.global_accompaniment_persons_per_binome',
  'calpae.global_accompaniment_days_to_start',
  'calpae.persons_in_accompaniment',
];
const ROLES = {
  system: 'Système',
  etat: 'État',
  referent: 'Référent',
  slai: 'SLAI',
  departement: 'Département',
  dpo: 'Délégué à la protection des données',
};
const PARCOURS_STATUSES = {
  none: 'Sans droit ouvert',
  in_rsa: 'Dans le RSA',
  exited: 'Sorti du RSA',
  closed: 'Clos',
  transferred: 'Transféré',
};
const STATUSES = {
  upcoming: 'À venir',
  due_soon: 'Bientôt échue',
  overdue: 'En retard',
  met_on_time: 'Respectée',
  met_late: 'Respectée en retard',
  cancelled: 'Annulée',
};

const EVENTS = {
  AccompanimentEnded: 'Fin de l’accompagnement',
  AccompanimentInterrupted: 'Accompagnement interrompu',
  ActionEntered: 'Entrée en action',
  ActionExited: 'Sortie d’action',
  ActionPrescribed: 'Action prescrite',
  ActivityHoursRecorded: 'Heures d’activité enregistrées',
  ActivityPlanSet: 'Plan d’activité fixé',
  AppointmentCancelled: 'Rendez-vous annulé',
  AppointmentHeld: 'Rendez-vous tenu',
  AppointmentMissed: 'Rendez-vous manqué',
  AppointmentScheduled: 'Rendez-vous fixé',
  BalancedReviewHeld: 'Examen de situation tenu',
  BarrierLifted: 'Frein levé',
  BeneficiaryInformedOfBreach: 'Bénéficiaire informé du manquement',
  BreachDismissed: 'Manquement classé',
  BreachObservationsReceived: 'Observations reçues',
  BreachReported: 'Manquement signalé',
  ContactDetailsRecorded: 'Coordonnées enregistrées',
  ContractReviewed: 'Contrat révisé',
  ContractSigned: 'Contrat d’engagement signé',
  ConvocationSent: 'Convocation envoyée',
  DiagnosticRecorded: 'Diagnostic enregistré',
  EmploymentEnded: 'Fin d’emploi',
  EmploymentStarted: 'Reprise d’emploi',
  EpOpinionGiven: 'Avis de l’équipe pluridisciplinaire',
  ExemptionGranted: 'Dispense accordée',
  FranceTravailRegistered: 'Inscription à France Travail',
  GlobalAccompanimentEnded: 'Fin de l’accompagnement global',
  GlobalAccompanimentOriented: 'Orientation en accompagnement global',
  GlobalAccompanimentStarted: 'Début de l’accompagnement global',
  HouseholdChanged: 'Foyer modifié',
  IntensiveAccompanimentEnded: 'Fin de l’accompagnement intensif',
  IntensiveAccompanimentStarted: 'Début de l’accompagnement intensif',
  InvitationSent: 'Invitation envoyée',
  JointReviewExtended: 'Examen pluridisciplinaire reporté',
  JointReviewHeld: 'Examen pluridisciplinaire tenu',
  MessageDeliveryReported: 'Remise d’un message',
  Oriented: 'Orientation',
  ParcoursEntered: 'Entrée dans le parcours',
  PersonErased: 'Données effacées',
  ReferentAssigned: 'Référent désigné',
  ReminderSent: 'Relance envoyée',
  ReorientationRefused: 'Réorientation refusée',
  ReorientationRequested: 'Réorientation demandée',
  RsaExited: 'Sortie du RSA',
  SanctionAppealed: 'Recours contre la sanction',
  SanctionWithdrawn: 'Sanction retirée',
  SuppressionEpOpinionGiven: 'Avis sur la suppression',
  SuspensionDecided: 'Suspension décidée',
  SuspensionLiftedByRemobilisation: 'Suspension levée (remobilisation)',
  SuspensionMadeDefinitive: 'Suspension rendue définitive',
  TransferredToAnotherDepartement: 'Transfert vers un autre département',
};

class SignedOut extends Error {}

/** GET on the API through the console's server; a lapsed session sends the agent back to sign in. */
async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
  const res = await fetch(`/console/api/${path}${query.size ? `?${query}` : ''}`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (res.status === 401) {
    location.assign(`/console/login?returnTo=${encodeURIComponent(location.pathname)}`);
    throw new SignedOut();
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.message ?? `Erreur ${res.status}`), { status: res.status });
  return body;
}

/** Builds an element; children are nodes or text (never parsed as HTML: data cannot inject markup). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children.flat())
    if (child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

const frenchDate = (iso) =>
  iso ? new Date(`${iso.slice(0, 10)}T12:00:00Z`).toLocaleDateString('fr-FR') : '';
const frenchDateTime = (iso) =>
  iso
    ? new Date(iso).toLocaleString('fr-FR', {
        dateStyle: 'short',
        timeStyle: 'short',
        timeZone: 'Europe/Paris',
      })
    : '';

/** A DSFR table with its caption; `columns`: [{ label, value(row) → text or node, csv(row) → text, number }]. */
function table(caption, columns, rows, id) {
  return el(
    'div',
    { class: 'fr-table fr-table--no-scroll', id },
    el(
      'div',
      { class: 'fr-table__wrapper' },
      el(
        'div',
        { class: 'fr-table__container' },
        el(
          'div',
          { class: 'fr-table__content' },
          el(
            'table',
            {},
            el('caption', {}, caption),
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                columns.map((c) =>
                  el('th', { scope: 'col', class: c.number ? 'console-number' : undefined }, c.label),
                ),
              ),
            ),
            el(
              'tbody',
              {},
              rows.length === 0
                ? el('tr', {}, el('td', { colspan: columns.length }, 'Aucune ligne.'))
                : rows.map((row) =>
                    el(
                      'tr',
                      {},
                      columns.map((c) =>
                        el('td', { class: c.number ? 'console-number' : undefined }, c.value(row)),
                      ),
                    ),
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The table's rows as a CSV file (semicolons and a BOM: what a French spreadsheet opens as is). */
function csvButton(fileName, columns, rows) {
  const button = el(
    'button',
    { type: 'button', class: 'fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-download-line' },
    'Télécharger en CSV',
  );
  button.addEventListener('click', () => {
    const cell = (v) => {
      const text = String(v ?? '');
      return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const lines = [
      columns.map((c) => cell(c.label)),
      ...rows.map((r) => columns.map((c) => cell(c.csv ? c.csv(r) : c.value(r)))),
    ];
    const blob = new Blob([`\ufeff${lines.map((l) => l.join(';')).join('\r\n')}\r\n`], {
      type: 'text/csv;charset=utf-8',
    });
    const link = el('a', { href: URL.createObjectURL(blob), download: fileName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  return button;
}

function alert(kind, text) {
  return el(
    'div',
    {
      class: `fr-alert fr-alert--${kind} fr-alert--sm fr-mb-3w`,
      role: kind === 'error' ? 'alert' : undefined,
    },
    el('p', {}, text),
  );
}

function select(id, label, options, value) {
  return el(
    'div',
    { class: 'fr-select-group' },
    el('label', { class: 'fr-label', for: id }, label),
    el(
      'select',
      { class: 'fr-select', id, name: id },
      options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)),
    ),
  );
}

/** Every page of a paged list, up to `max` rows: the table and its CSV hold the whole list. */
async function allPages(path, params, max = 5000) {
  const items = [];
  for (let page = 1; ; page++) {
    const body = await api(path, { ...params, page, pageSize: 500 });
    items.push(...body.items);
    if (items.length >= body.total || body.items.length === 0 || items.length >= max)
      return { items, total: body.total };
  }
}

async function referenceData() {
  const [territories, organisations, referents] = await Promise.all([
    api('territories').catch(() => []),
    api('organisations').catch(() => []),
    api('referents').catch(() => []),
  ]);
  return {
    territories,
    organisations,
    referents,
    territoryName: (id) => territories.find((t) => t.territoryId === id)?.name ?? id ?? '',
    organisationName: (id) => organisations.find((o) => o.organisationId === id)?.name ?? id ?? '',
    referentName: (id) => referents.find((r) => r.referentId === id)?.displayName ?? id ?? '',
  };
}

// (a) Overdue échéances: the most late first, filterable, each row opening its parcours.
async function overduePage(main, session) {
  const ref = await referenceData();
  const params = new URLSearchParams(location.search);
  const filter = {
    territory: session.role === 'slai' ? session.territory : (params.get('territory') ?? ''),
    organisation: params.get('organisation') ?? '',
    referent: params.get('referent') ?? '',
    kind: params.get('kind') ?? '',
  };
  const form = el(
    'form',
    {
      class: 'fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w',
      id: 'filtres',
      'aria-label': 'Filtres',
    },
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-3' },
      select(
        'territory',
        'Territoire',
        [
          ...(session.role === 'slai' ? [] : [['', 'Tous']]),
          ...ref.territories.map((t) => [t.territoryId, t.name]),
        ],
        filter.territory,
      ),
    ),
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-3' },
      select(
        'organisation',
        'Organisme',
        [['', 'Tous'], ...ref.organisations.map((o) => [o.organisationId, o.name])],
        filter.organisation,
      ),
    ),
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-3' },
      select(
        'referent',
        'Référent',
        [['', 'Tous'], ...ref.referents.map((r) => [r.referentId, r.displayName])],
        filter.referent,
      ),
    ),
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-3' },
      select('kind', 'Type d’échéance', [['', 'Tous'], ...Object.entries(KINDS)], filter.kind),
    ),
    el('div', { class: 'fr-col-12' }, el('button', { type: 'submit', class: 'fr-btn' }, 'Filtrer')),
  );
  const results = el('div', { id: 'resultats', 'aria-live': 'polite' });
  main.replaceChildren(el('h1', {}, 'Échéances en retard'), form, results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams([...data.entries()].filter(([, v]) => v !== ''));
    history.replaceState(null, '', `${location.pathname}${next.size ? `?${next}` : ''}`);
    for (const key of Object.keys(filter)) filter[key] = String(data.get(key) ?? '');
    void draw();
  });
  const columns = [
    { label: 'Échéance', value: (e) => KINDS[e.kind] ?? e.kind },
    {
      label: 'Parcours',
      value: (e) => el('a', { href: `/console/parcours/${encodeURIComponent(e.parcoursId)}` }, e.parcoursId),
      csv: (e) => e.parcoursId,
    },
    { label: 'Territoire', value: (e) => ref.territoryName(e.territory) },
    { label: 'Organisme', value: (e) => ref.organisationName(e.organisationId) },
    { label: 'Référent', value: (e) => ref.referentName(e.referentId) },
    { label: 'Échue le', value: (e) => frenchDate(e.dueOn), csv: (e) => e.dueOn },
    {
      label: 'Jours de retard',
      number: true,
      value: (e) =>
        el('p', { class: 'fr-badge fr-badge--error fr-badge--sm fr-badge--no-icon' }, String(e.daysLate)),
      csv: (e) => e.daysLate,
    },
  ];
  async function draw() {
    results.replaceChildren(el('p', {}, 'Chargement…'));
    try {
      const { items, total } = await allPages('echeances', { status: 'overdue', ...filter });
      results.replaceChildren(
        el('p', { id: 'total' }, total === 1 ? '1 échéance en retard' : `${total} échéances en retard`),
        table('Échéances en retard, les plus anciennes d’abord', columns, items, 'table-echeances'),
        csvButton('echeances-en-retard.csv', columns, items),
      );
    } catch (error) {
      if (!(error instanceof SignedOut)) results.replaceChildren(alert('error', error.message));
    }
  }
  await draw();
}

// (b) Référents' caseloads against their cap.
async function caseloadsPage(main, session) {
  const ref = await referenceData();
  const params = new URLSearchParams(location.search);
  let territory =
    session.role === 'slai'
      ? session.territory
      : (params.get('territory') ?? ref.territories[0]?.territoryId ?? '');
  const results = el('div', { id: 'resultats', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w', 'aria-label': 'Territoire' },
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-4' },
      select(
        'territory',
        'Territoire',
        ref.territories.map((t) => [t.territoryId, t.name]),
        territory,
      ),
    ),
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-4' },
      el('button', { type: 'submit', class: 'fr-btn' }, 'Afficher'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    territory = String(new FormData(form).get('territory') ?? '');
    history.replaceState(null, '', `${location.pathname}?territory=${encodeURIComponent(territory)}`);
    void draw();
  });
  main.replaceChildren(el('h1', {}, 'Charge des référents'), session.role === 'slai' ? '' : form, results);
  const columns = [
    { label: 'Référent', value: (r) => ref.referentName(r.referentId) },
    { label: 'Organisme', value: (r) => ref.organisationName(r.organisationId) },
    { label: 'Portefeuille', number: true, value: (r) => r.caseload },
    { label: 'Plafond', number: true, value: (r) => r.cap },
    { label: 'Taux de charge', number: true, value: (r) => `${Math.round((100 * r.caseload) / r.cap)} %` },
    {
      label: 'Au-delà du plafond',
      value: (r) => (r.overCap ? el('p', { class: 'fr-badge fr-badge--error fr-badge--sm' }, 'Oui') : 'Non'),
      csv: (r) => (r.overCap ? 'oui' : 'non'),
    },
    { label: 'Échéances en retard', number: true, value: (r) => r.overdue },
  ];
  async function draw() {
    try {
      const board = await api('supervision', { territory });
      const rows = board.referents;
      results.replaceChildren(
        el(
          'h2',
          { class: 'fr-h4' },
          `Territoire ${ref.territoryName(board.territory)} au ${frenchDate(board.on)}`,
        ),
        barChart(rows, ref),
        table(
          'Portefeuille de chaque référent et son plafond (70 en accompagnement intensif, 250 sinon)',
          columns,
          rows,
          'table-referents',
        ),
        csvButton(`charge-referents-${board.territory}.csv`, columns, rows),
      );
    } catch (error) {
      if (!(error instanceof SignedOut)) results.replaceChildren(alert('error', error.message));
    }
  }
  await draw();
}

/** Horizontal bars: each référent's caseload, its cap dashed; the table beside says the same in words. */
function barChart(rows, ref) {
  const width = 640;
  const rowHeight = 28;
  const left = 180;
  const max = Math.max(1, ...rows.map((r) => Math.max(r.caseload, r.cap)));
  const scale = (v) => ((width - left - 40) * v) / max;
  const height = rows.length * rowHeight + 30;
  return el(
    'figure',
    { class: 'fr-mb-3w' },
    svg(
      'svg',
      {
        class: 'console-chart',
        viewBox: `0 0 ${width} ${height}`,
        width,
        height,
        role: 'img',
        'aria-labelledby': 'graphique-charge-titre',
      },
      svg('title', { id: 'graphique-charge-titre' }, 'Portefeuille de chaque référent comparé à son plafond'),
      rows.map((r, i) => {
        const y = i * rowHeight + 4;
        return svg(
          'g',
          {},
          svg('text', { x: left - 8, y: y + 15, 'text-anchor': 'end' }, ref.referentName(r.referentId)),
          svg('rect', {
            class: r.overCap ? 'bar bar--over' : 'bar',
            x: left,
            y,
            width: Math.max(1, scale(r.caseload)),
            height: rowHeight - 8,
          }),
          svg('line', {
            class: 'cap',
            x1: left + scale(r.cap),
            x2: left + scale(r.cap),
            y1: y - 2,
            y2: y + rowHeight - 6,
          }),
          svg('text', { x: left + scale(r.caseload) + 6, y: y + 15 }, `${r.caseload} / ${r.cap}`),
        );
      }),
      svg('line', { class: 'axis', x1: left, x2: left, y1: 0, y2: height - 26 }),
    ),
    el('figcaption', { class: 'fr-text--sm' }, 'Barre : portefeuille ; tirets : plafond du référent.'),
  );
}

/** The first and last day of each of the 12 months before `until` (the current month included). */
function lastTwelveMonths(until) {
  const months = [];
  const end = new Date(`${until}T12:00:00Z`);
  for (let i = 11; i >= 0; i--) {
    const first = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - i, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    const lastIso = last.toISOString().slice(0, 10);
    months.push({
      from: first.toISOString().slice(0, 10),
      to: lastIso < until ? lastIso : until,
      label: first.toLocaleDateString('fr-FR', { month: 'short', year: '2-digit', timeZone: 'UTC' }),
    });
  }
  return months;
}

// (c) CALPAE indicators over the last 12 months, as known at a date.
async function indicatorsPage(main) {
  const today = new Date().toISOString().slice(0, 10);
  const params = new URLSearchParams(location.search);
  let asOf = params.get('asOf') ?? today;
  const input = el('input', {
    class: 'fr-input',
    type: 'date',
    id: 'asOf',
    name: 'asOf',
    value: asOf,
    max: today,
  });
  const form = el(
    'form',
    {
      class: 'fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w',
      'aria-label': 'Date de connaissance',
    },
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-4' },
      el(
        'div',
        { class: 'fr-input-group' },
        el(
          'label',
          { class: 'fr-label', for: 'asOf' },
          'Tels que connus le',
          el(
            'span',
            { class: 'fr-hint-text' },
            'Les chiffres recalculés avec les seuls événements enregistrés jusqu’à cette date',
          ),
        ),
        input,
      ),
    ),
    el(
      'div',
      { class: 'fr-col-12 fr-col-md-4' },
      el('button', { type: 'submit', class: 'fr-btn' }, 'Redessiner'),
    ),
  );
  const results = el('div', { id: 'resultats', 'aria-live': 'polite' });
  main.replaceChildren(el('h1', {}, 'Indicateurs des 12 derniers mois'), form, results);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    asOf = input.value || today;
    history.replaceState(null, '', `${location.pathname}?asOf=${asOf}`);
    void draw();
  });
  async function draw() {
    results.replaceChildren(el('p', {}, 'Calcul…'));
    try {
      // The same twelve months whatever the date: asOf changes what was known of them, not which they are.
      const months = lastTwelveMonths(today);
      const codes = CALPAE.join(',');
      // One request for the twelve months: the server reads the facts once for all of them.
      const { months: reports } = await api('indicators/series', {
        from: months[0].from,
        to: months[months.length - 1].to,
        codes,
        asOf: asOf === today ? undefined : asOf,
      });
      const series = new Map();
      reports.forEach((report, i) => {
        for (const figure of indicatorFigures(report)) {
          const s = series.get(figure.code) ?? {
            code: figure.code,
            label: figure.label,
            unit: figure.unit,
            values: months.map(() => null),
          };
          s.values[i] = figure.value;
          series.set(figure.code, s);
        }
      });
      const all = [...series.values()];
      const columns = [
        { label: 'Indicateur', value: (s) => `${s.code} – ${s.label}` },
        ...months.map((m, i) => ({
          label: m.label,
          number: true,
          value: (s) => formatFigure(s.values[i], s.unit),
        })),
      ];
      results.replaceChildren(
        el(
          'div',
          { class: 'console-charts fr-mb-3w' },
          all.map((s) => lineChart(s, months)),
        ),
        table(
          `Indicateurs par mois, tels que connus le ${frenchDate(asOf)}`,
          columns,
          all,
          'table-indicateurs',
        ),
        csvButton(`indicateurs-${asOf}.csv`, columns, all),
      );
    } catch (error) {
      if (!(error instanceof SignedOut)) results.replaceChildren(alert('error', error.message));
    }
  }
  await draw();
}

/** A share as a percentage, days with one decimal, counts as they are (French decimal comma). */
const formatFigure = (v, unit) =>
  v === null || v === undefined ? '' : unit === 'share' ? `${formatValue(100 * v)} %` : formatValue(v);
const formatValue = (v) =>
  v === null || v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(1).replace('.', ',');

/** The figures of a report for the département (or the SLAI's territoire) as a whole. */
function indicatorFigures(report) {
  return (report.groups?.[0]?.indicators ?? []).map((f) => ({
    code: f.code,
    label: f.label,
    unit: f.unit,
    value: f.value,
  }));
}

function lineChart(serie, months) {
  const width = 320;
  const height = 160;
  const pad = { left: 36, right: 8, top: 12, bottom: 28 };
  const values = serie.values.map((v) => (typeof v === 'number' ? v : null));
  const max = Math.max(1, ...values.filter((v) => v !== null));
  const x = (i) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(1, months.length - 1);
  const y = (v) => height - pad.bottom - ((height - pad.top - pad.bottom) * v) / max;
  const points = values.map((v, i) => (v === null ? null : [x(i), y(v)])).filter(Boolean);
  const id = `graphique-${serie.code}`.replace(/[^\w-]/g, '-');
  return el(
    'figure',
    { class: 'fr-m-0' },
    svg(
      'svg',
      {
        class: 'console-chart',
        viewBox: `0 0 ${width} ${height}`,
        width,
        height,
        role: 'img',
        'aria-labelledby': id,
      },
      svg('title', { id }, `${serie.code} – ${serie.label}, sur 12 mois`),
      svg('line', {
        class: 'axis',
        x1: pad.left,
        x2: width - pad.right,
        y1: height - pad.bottom,
        y2: height - pad.bottom,
      }),
      svg('line', { class: 'axis', x1: pad.left, x2: pad.left, y1: pad.top, y2: height - pad.bottom }),
      svg('text', { x: pad.left - 4, y: pad.top + 4, 'text-anchor': 'end' }, formatFigure(max, serie.unit)),
      svg('text', { x: pad.left - 4, y: height - pad.bottom, 'text-anchor': 'end' }, '0'),
      svg('text', { x: pad.left, y: height - 8 }, months[0].label),
      svg(
        'text',
        { x: width - pad.right, y: height - 8, 'text-anchor': 'end' },
        months[months.length - 1].label,
      ),
      points.length
        ? svg('polyline', { class: 'line', points: points.map((p) => p.join(',')).join(' ') })
        : undefined,
      points.map(([px, py]) => svg('circle', { class: 'point', cx: px, cy: py, r: 3 })),
    ),
    el('figcaption', { class: 'fr-text--sm' }, `${serie.code} – ${serie.label}`),
  );
}

/** Who read a parcours (the audit of reads: Département and DPO only), as a table and its CSV. */
async function readsOf(id) {
  const { items: rows } = await allPages('audit', { parcoursId: id });
  const readColumns = [
    { label: 'Consulté le', value: (r) => frenchDateTime(r.readAt), csv: (r) => r.readAt },
    { label: 'Par', value: (r) => r.actor.sub },
    { label: 'Rôle', value: (r) => ROLES[r.actor.role] ?? r.actor.role },
    // The route pattern, never the URL with its values (the audit keeps no more).
    { label: 'Consultation', value: (r) => r.route },
  ];
  return [
    el('h2', { class: 'fr-mt-4w' }, 'Qui a consulté ce parcours'),
    table('Consultations journalisées du parcours', readColumns, rows, 'table-consultations'),
    csvButton(`parcours-${id}-consultations.csv`, readColumns, rows),
  ];
}

// (d) One parcours: its timeline, its open échéances, and who read it (Département and DPO).
async function parcoursPage(main, session, id) {
  // The DPO reads who read a parcours, not the parcours itself (the API refuses it).
  if (session.role === 'dpo')
    return main.replaceChildren(el('h1', {}, `Parcours ${id}`), ...(await readsOf(id)));
  const [parcours, history, book] = await Promise.all([
    api(`parcours/${encodeURIComponent(id)}`),
    api(`parcours/${encodeURIComponent(id)}/history`),
    allPages('echeances', { parcours: id }),
  ]);
  const ref = await referenceData();
  const events = Array.isArray(history) ? history : (history.events ?? history.items ?? []);
  const timelineColumns = [
    { label: 'Événement', value: (e) => EVENTS[e.type] ?? e.type },
    {
      label: 'Date métier',
      value: (e) => frenchDate(e.businessDate ?? e.occurredOn ?? e.on),
      csv: (e) => e.businessDate ?? e.occurredOn ?? e.on ?? '',
    },
    { label: 'Enregistré le', value: (e) => frenchDateTime(e.recordedAt), csv: (e) => e.recordedAt ?? '' },
    {
      label: 'Par',
      // The agent (or flow) that recorded it, as its token named it.
      value: (e) => (typeof e.actor === 'string' ? e.actor : (e.actor?.sub ?? '')),
    },
  ];
  const echeances = book.items.filter((e) => ['overdue', 'due_soon', 'upcoming'].includes(e.status));
  const echeanceColumns = [
    { label: 'Échéance', value: (e) => KINDS[e.kind] ?? e.kind },
    { label: 'Échue le', value: (e) => frenchDate(e.dueOn), csv: (e) => e.dueOn },
    { label: 'Statut', value: (e) => STATUSES[e.status] ?? e.status ?? '' },
  ];
  const parts = [
    el('h1', {}, `Parcours ${id}`),
    el(
      'ul',
      { class: 'fr-tags-group fr-mb-3w' },
      [
        parcours.status ? `Statut : ${PARCOURS_STATUSES[parcours.status] ?? parcours.status}` : undefined,
        parcours.territory ? `Territoire : ${ref.territoryName(parcours.territory)}` : undefined,
        parcours.referentId ? `Référent : ${ref.referentName(parcours.referentId)}` : undefined,
      ]
        .filter(Boolean)
        .map((t) => el('li', {}, el('p', { class: 'fr-tag' }, t))),
    ),
    el('h2', {}, 'Échéances ouvertes'),
    table('Échéances ouvertes du parcours', echeanceColumns, echeances, 'table-echeances-parcours'),
    csvButton(`parcours-${id}-echeances.csv`, echeanceColumns, echeances),
    el('h2', { class: 'fr-mt-4w' }, 'Chronologie'),
    table(
      'Événements du parcours : date métier et date d’enregistrement',
      timelineColumns,
      events,
      'table-chronologie',
    ),
    csvButton(`parcours-${id}-chronologie.csv`, timelineColumns, events),
  ];
  if (session.role === 'departement') parts.push(...(await readsOf(id)));
  main.replaceChildren(...parts);
}

/** The DPO's entry: a parcours named by its identifier, whose reads it examines. */
function dpoPage(main) {
  const input = el('input', {
    class: 'fr-input',
    id: 'parcours',
    name: 'parcours',
    required: true,
    pattern: '[\\w\\-]{1,100}',
  });
  const form = el(
    'form',
    { class: 'fr-mb-3w' },
    el(
      'div',
      { class: 'fr-input-group' },
      el('label', { class: 'fr-label', for: 'parcours' }, 'Identifiant du parcours'),
      input,
    ),
    el('button', { type: 'submit', class: 'fr-btn' }, 'Voir qui l’a consulté'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.assign(`/console/parcours/${encodeURIComponent(input.value.trim())}`);
  });
  main.replaceChildren(el('h1', {}, 'Consultations d’un parcours'), form);
}

async function main() {
  const main = document.getElementById('contenu');
  try {
    const session = await api('session');
    document.getElementById('agent').textContent =
      `${ROLES[session.role] ?? session.role}${session.territory ? ` – ${session.territory}` : ''}`;
    for (const item of document.querySelectorAll('[data-roles]'))
      if (!item.dataset.roles.split(' ').includes(session.role)) item.remove();
    for (const link of document.querySelectorAll('.fr-nav__link'))
      if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
    const path = location.pathname.replace(/\/$/, '');
    const parcours = /^\/console\/parcours\/([\w-]+)$/.exec(path);
    if (parcours) {
      document.title = 'Parcours – Console de supervision – Parcours RSA';
      await parcoursPage(main, session, parcours[1]);
    } else if (path === '/console/referents') {
      document.title = 'Charge des référents – Console de supervision – Parcours RSA';
      await caseloadsPage(main, session);
    } else if (path === '/console/indicateurs') {
      document.title = 'Indicateurs – Console de supervision – Parcours RSA';
      await indicatorsPage(main);
    } else if (session.role === 'dpo') {
      document.title = 'Consultations d’un parcours – Console de supervision – Parcours RSA';
      dpoPage(main);
    } else {
      document.title = 'Échéances en retard – Console de supervision – Parcours RSA';
      await overduePage(main, session);
    }
  } catch (error) {
    if (!(error instanceof SignedOut))
      main.replaceChildren(el('h1', {}, 'Erreur'), alert('error', error.message));
  } finally {
    document.body.dataset.ready = 'true';
  }
}

void main();
