// The documents not yet exported (export states with exported = false: what an ERP has still to
// pick up), paged; refreshed when a history record changes (marking exported is one).
import type { JSX } from 'preact';

import { DOCUMENT_TYPES, graphql, isDocumentType } from '../graphql';
import { useLiveQuery } from '../hooks';
import { href, navigate, type Location } from '../router';
import { DocumentLink, ErrorLine, Pager, pageVariables, Time } from '../ui';

const ExportsQuery = graphql(`
  query DashboardPendingExports($filter: DocumentExportFilter, $first: Int, $after: String, $last: Int, $before: String) {
    documentExports(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        documentType
        documentId
        exported
        createdAt
        updatedAt
      }
    }
  }
`);

const RecordChanged = graphql(`
  subscription DashboardExportsChanged {
    integrationHistoryRecordChanged {
      sequence
    }
  }
`);

/** The not-yet-exported documents page. */
export function Exports(props: { location: Location }) {
  const { params } = props.location;
  const documentType = params.get('documentType');
  const type = isDocumentType(documentType) ? documentType : null;
  const filter = { exported: { eq: false }, ...(type ? { documentType: { eq: type } } : {}) };
  const exports = useLiveQuery(ExportsQuery, { filter, ...pageVariables(params) }, RecordChanged, {});

  const onFilter = (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(href('/exports', { documentType: String(form.get('documentType') ?? '') }));
  };

  const connection = exports.data?.documentExports;
  return (
    <section class="card">
      <h2>
        Documents not yet exported <span class="muted" data-testid="exports-total">{connection?.totalCount ?? ''}</span>
      </h2>
      <form class="filters" onSubmit={onFilter} onChange={(e) => e.currentTarget.requestSubmit()}>
        <label>
          Document type{' '}
          <select name="documentType" value={type ?? ''}>
            <option value="">any</option>
            {DOCUMENT_TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
      </form>
      <ErrorLine error={exports.error ?? exports.subscriptionError} />
      {connection ? (
        <>
          <table data-testid="exports">
            <thead>
              <tr>
                <th>Document</th>
                <th>Tracked since</th>
                <th>Last change</th>
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((state) => (
                <tr>
                  <td>
                    <DocumentLink type={state.documentType} id={state.documentId} resolved="any" />
                  </td>
                  <td>
                    <Time value={state.createdAt} />
                  </td>
                  <td>
                    <Time value={state.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {connection.nodes.length === 0 ? <p class="muted">Every tracked document has been exported.</p> : null}
          <Pager
            path="/exports"
            params={params}
            pageInfo={connection.pageInfo}
            totalCount={connection.totalCount}
            shown={connection.nodes.length}
          />
        </>
      ) : exports.error ? null : (
        <p class="muted">Loading…</p>
      )}
    </section>
  );
}
