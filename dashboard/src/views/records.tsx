// The history records of a document, by default the open ones (the vendor's
// `resolved=false&document-type=X&document-id=N`), with Resolve and Acknowledge; refreshed when a
// record of the document changes.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

import { DOCUMENT_TYPES, graphql, isDocumentType, type ResultOf } from '../graphql';
import { useGateway, useLiveQuery } from '../hooks';
import { href, navigate, type Location } from '../router';
import { Badge, ErrorLine, Link, Pager, pageVariables, Time } from '../ui';
import { Responses } from './run';

const RecordsQuery = graphql(`
  query DashboardRecords(
    $filter: IntegrationHistoryRecordFilter
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    integrationHistoryRecords(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        contactAlertType
        documentType
        documentId
        externalId
        status
        resolved
        integration {
          id
          code
        }
        integrationRunId
        createdAt
        updatedAt
        responses {
          id
          responseCode
          responseMessage
          createdAt
        }
      }
    }
  }
`);

const RecordChanged = graphql(`
  subscription DashboardRecordChanged($documentType: DocumentType, $documentId: Int) {
    integrationHistoryRecordChanged(documentType: $documentType, documentId: $documentId) {
      sequence
      change
    }
  }
`);

const Resolve = graphql(`
  mutation DashboardResolveRecord($id: Int!) {
    resolveIntegrationHistoryRecord(id: $id) {
      id
      resolved
    }
  }
`);

const Acknowledge = graphql(`
  mutation DashboardAcknowledgeDocument($input: NewHistoryRecordInput!) {
    acknowledgeIntegrationHistoryRecord(input: $input) {
      id
      resolved
    }
  }
`);

type HistoryRecord = ResultOf<typeof RecordsQuery>['integrationHistoryRecords']['nodes'][number];

/** Which records the `resolved` parameter asks for: open (the default), resolved, or all. */
function resolvedFilter(value: string | null): boolean | null {
  if (value === 'true') return true;
  if (value === 'any') return null;
  return false;
}

/** The history records page. */
export function Records(props: { location: Location }) {
  const gateway = useGateway();
  const { params } = props.location;
  const documentType = params.get('documentType');
  const documentIdText = params.get('documentId') ?? '';
  const documentId = /^-?\d+$/.test(documentIdText) ? Number(documentIdText) : null;
  const resolved = resolvedFilter(params.get('resolved'));
  const type = isDocumentType(documentType) ? documentType : null;
  const filter = {
    ...(type ? { documentType: { eq: type } } : {}),
    ...(documentId !== null ? { documentId: { eq: documentId } } : {}),
    ...(resolved !== null ? { resolved: { eq: resolved } } : {}),
  };
  const records = useLiveQuery(RecordsQuery, { filter, ...pageVariables(params) }, RecordChanged, {
    documentType: type,
    documentId,
  });
  const [busy, setBusy] = useState<number | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = async (record: HistoryRecord, action: 'resolve' | 'acknowledge') => {
    setBusy(record.id);
    setActionError(null);
    try {
      if (action === 'resolve') {
        await gateway.request(Resolve, { id: record.id });
        setNotice(`Record #${record.id} resolved.`);
      } else {
        // The external system's confirmation: a resolved Success record for the document that
        // resolves every earlier open one.
        const ack = await gateway.request(Acknowledge, {
          input: {
            contactAlertType: record.contactAlertType,
            documentType: record.documentType,
            documentId: record.documentId,
            integration: record.integration ? { id: record.integration.id } : null,
            integrationRunId: record.integrationRunId,
            status: 'Success',
            responses: [],
          },
        });
        setNotice(
          `${record.documentType} ${record.documentId} acknowledged (record #${ack.acknowledgeIntegrationHistoryRecord.id}).`,
        );
      }
      records.refetch();
    } catch (error) {
      setActionError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  // A changed filter starts again at the first page.
  const onFilter = (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setNotice(null);
    navigate(
      href('/records', {
        documentType: String(form.get('documentType') ?? ''),
        documentId: String(form.get('documentId') ?? '').trim(),
        resolved: String(form.get('resolved') ?? 'false'),
      }),
    );
  };

  const connection = records.data?.integrationHistoryRecords;
  const resolvedValue = resolved === null ? 'any' : String(resolved);
  return (
    <section class="card">
      <h2>History records {type && documentId !== null ? `of ${type} ${documentId}` : ''}</h2>
      {/* Uncontrolled, and remade when the URL changes: a live refresh must not undo typing. */}
      <form class="filters" onSubmit={onFilter} data-testid="records-filter" key={params.toString()}>
        <label>
          Document type{' '}
          <select name="documentType" data-testid="filter-document-type">
            <option value="" selected={!type}>
              any
            </option>
            {DOCUMENT_TYPES.map((t) => (
              <option value={t} selected={t === type}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Document id{' '}
          <input
            name="documentId"
            type="number"
            defaultValue={documentIdText}
            size={8}
            data-testid="filter-document-id"
          />
        </label>
        <label>
          Show{' '}
          <select name="resolved" data-testid="filter-resolved">
            <option value="false" selected={resolvedValue === 'false'}>
              open
            </option>
            <option value="true" selected={resolvedValue === 'true'}>
              resolved
            </option>
            <option value="any" selected={resolvedValue === 'any'}>
              all
            </option>
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      <ErrorLine error={records.error ?? records.subscriptionError ?? actionError} />
      {notice ? (
        <p class="notice" data-testid="notice">
          {notice}
        </p>
      ) : null}
      {connection ? (
        <>
          <table data-testid="records">
            <thead>
              <tr>
                <th>Record</th>
                <th>Document</th>
                <th>Integration</th>
                <th>Run</th>
                <th>Status</th>
                <th>Alerted</th>
                <th>Resolved</th>
                <th>Created</th>
                <th>Responses</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((record) => (
                <tr data-record-id={record.id}>
                  <td>#{record.id}</td>
                  <td>
                    {record.documentType} {record.documentId}
                    {record.externalId ? <div class="muted small">{record.externalId}</div> : null}
                  </td>
                  <td>{record.integration?.code ?? '—'}</td>
                  <td>
                    {record.integrationRunId ? (
                      <Link to={href(`/runs/${record.integrationRunId}`)}>#{record.integrationRunId}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <Badge value={record.status} />
                  </td>
                  <td>{record.contactAlertType}</td>
                  <td>{record.resolved ? 'yes' : <strong class="alert">no</strong>}</td>
                  <td>
                    <Time value={record.createdAt} />
                  </td>
                  <td>
                    <Responses responses={record.responses} />
                  </td>
                  <td class="actions">
                    {record.resolved ? null : (
                      <>
                        <button type="button" disabled={busy !== null} onClick={() => act(record, 'resolve')}>
                          Resolve
                        </button>{' '}
                        <button
                          type="button"
                          disabled={busy !== null}
                          onClick={() => act(record, 'acknowledge')}
                          title="The external system confirms it has the document: resolves every open record of it"
                        >
                          Acknowledge
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {connection.nodes.length === 0 ? (
            <p class="muted" data-testid="no-records">
              No {resolved === false ? 'open ' : ''}records match.
            </p>
          ) : null}
          <Pager
            path="/records"
            params={params}
            pageInfo={connection.pageInfo}
            totalCount={connection.totalCount}
            shown={connection.nodes.length}
          />
        </>
      ) : records.error ? null : (
        <p class="muted">Loading…</p>
      )}
    </section>
  );
}
