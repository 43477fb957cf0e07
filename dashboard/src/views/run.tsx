// One run: its fields, its errors and its history records with the external system's responses,
// both paged; refreshed when the run's status or one of its errors changes.
import { graphql, type ResultOf } from '../graphql';
import { useRef } from 'preact/hooks';

import { useLiveQuery, useSubscription } from '../hooks';
import { href, type Location } from '../router';
import { Badge, DocumentLink, ErrorLine, Link, Pager, pageVariables, Time } from '../ui';

const ResponseFields = graphql(`
  fragment DashboardResponse on IntegrationRecordResponse {
    id
    responseCode
    responseMessage
    createdAt
  }
`);

const RunQuery = graphql(
  `
    query DashboardRun(
      $id: Int!
      $errorsFirst: Int
      $errorsAfter: String
      $errorsLast: Int
      $errorsBefore: String
      $recordsFirst: Int
      $recordsAfter: String
      $recordsLast: Int
      $recordsBefore: String
    ) {
      integrationRun(id: $id) {
        id
        status
        integration {
          code
          name
        }
        flow
        startTime
        endTime
        totalRecords
        recordsProcessed
        maxUpdatedAt
        createdAt
        updatedAt
        createdBy {
          name
        }
        integrationErrors(first: $errorsFirst, after: $errorsAfter, last: $errorsLast, before: $errorsBefore) {
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
            status
            resolved
            integrationFilename
            createdAt
            responses {
              ...DashboardResponse
            }
          }
        }
        historyRecords(first: $recordsFirst, after: $recordsAfter, last: $recordsLast, before: $recordsBefore) {
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
            createdAt
            responses {
              ...DashboardResponse
            }
          }
        }
      }
    }
  `,
  [ResponseFields],
);

const RunChanged = graphql(`
  subscription DashboardRunChanged($runId: Int!) {
    integrationRunStatusChanged(runId: $runId) {
      sequence
    }
  }
`);

const RunErrorChanged = graphql(`
  subscription DashboardRunErrorChanged($runId: Int!) {
    integrationErrorChanged(runId: $runId) {
      sequence
    }
  }
`);

type Response = ResultOf<typeof ResponseFields>;

/** The run detail page. */
export function RunDetail(props: { id: number; location: Location }) {
  const { params } = props.location;
  const errorsPage = pageVariables(params, 'errors_');
  const recordsPage = pageVariables(params, 'records_');
  // The error subscription starts before the query too (see useLiveQuery).
  const refetch = useRef(() => {});
  const errorsError = useSubscription(RunErrorChanged, { runId: props.id }, () => refetch.current());
  const run = useLiveQuery(RunQuery, {
    id: props.id,
    errorsFirst: errorsPage.first,
    errorsAfter: errorsPage.after,
    errorsLast: errorsPage.last,
    errorsBefore: errorsPage.before,
    recordsFirst: recordsPage.first,
    recordsAfter: recordsPage.after,
    recordsLast: recordsPage.last,
    recordsBefore: recordsPage.before,
  }, RunChanged, { runId: props.id });
  refetch.current = run.refetch;
  const data = run.data?.integrationRun;
  const path = `/runs/${props.id}`;

  if (run.data && !data) {
    return (
      <section class="card">
        <h2>Run #{props.id}</h2>
        <p class="muted">There is no such run.</p>
      </section>
    );
  }
  return (
    <>
      <section class="card">
        <h2>
          <Link to={href('/runs')}>Runs</Link> › Run #{props.id} {data ? <Badge value={data.status} /> : null}
        </h2>
        <ErrorLine error={run.error ?? run.subscriptionError ?? errorsError} />
        {data ? (
          <dl class="fields" data-testid="run-fields">
            <dt>Integration</dt>
            <dd>
              <Link to={href('/runs', { integration: data.integration.code })}>{data.integration.code}</Link>{' '}
              <Link to={href(`/integrations/${encodeURIComponent(data.integration.code)}`)} class="muted">
                {data.integration.name}
              </Link>
            </dd>
            <dt>Status</dt>
            <dd data-testid="run-status">{data.status}</dd>
            <dt>Records</dt>
            <dd>
              {data.recordsProcessed ?? '—'} processed of {data.totalRecords ?? '—'}
            </dd>
            <dt>Started</dt>
            <dd>
              <Time value={data.startTime} />
            </dd>
            <dt>Ended</dt>
            <dd>
              <Time value={data.endTime} />
            </dd>
            <dt>High-water mark</dt>
            <dd>
              <Time value={data.maxUpdatedAt} />
            </dd>
            <dt>Created</dt>
            <dd>
              <Time value={data.createdAt} /> {data.createdBy ? <span class="muted">by {data.createdBy.name}</span> : null}
            </dd>
            <dt>Flow</dt>
            <dd>
              <code>{data.flow === null || data.flow === undefined ? '—' : JSON.stringify(data.flow)}</code>
            </dd>
          </dl>
        ) : run.error ? null : (
          <p class="muted">Loading…</p>
        )}
      </section>
      {data ? (
        <>
          <section class="card">
            <h2>Errors</h2>
            <table data-testid="run-errors">
              <thead>
                <tr>
                  <th>Error</th>
                  <th>Document</th>
                  <th>Status</th>
                  <th>Resolved</th>
                  <th>File</th>
                  <th>Created</th>
                  <th>Responses</th>
                </tr>
              </thead>
              <tbody>
                {data.integrationErrors.nodes.map((error) => (
                  <tr>
                    <td>#{error.id}</td>
                    <td>
                      <DocumentLink type={error.documentType} id={error.documentId} />
                    </td>
                    <td>
                      <Badge value={error.status} />
                    </td>
                    <td>{error.resolved ? 'yes' : <strong class="alert">no</strong>}</td>
                    <td>{error.integrationFilename ?? '—'}</td>
                    <td>
                      <Time value={error.createdAt} />
                    </td>
                    <td>
                      <Responses responses={error.responses} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.integrationErrors.nodes.length === 0 ? <p class="muted">No errors.</p> : null}
            <Pager
              path={path}
              params={params}
              prefix="errors_"
              pageInfo={data.integrationErrors.pageInfo}
              totalCount={data.integrationErrors.totalCount}
              shown={data.integrationErrors.nodes.length}
            />
          </section>
          <section class="card">
            <h2>History records</h2>
            <table data-testid="run-records">
              <thead>
                <tr>
                  <th>Record</th>
                  <th>Document</th>
                  <th>External id</th>
                  <th>Status</th>
                  <th>Resolved</th>
                  <th>Created</th>
                  <th>Responses</th>
                </tr>
              </thead>
              <tbody>
                {data.historyRecords.nodes.map((record) => (
                  <tr>
                    <td>#{record.id}</td>
                    <td>
                      <DocumentLink type={record.documentType} id={record.documentId} />
                    </td>
                    <td>{record.externalId ?? '—'}</td>
                    <td>
                      <Badge value={record.status} />
                    </td>
                    <td>{record.resolved ? 'yes' : <strong class="alert">no</strong>}</td>
                    <td>
                      <Time value={record.createdAt} />
                    </td>
                    <td>
                      <Responses responses={record.responses} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.historyRecords.nodes.length === 0 ? <p class="muted">No history records.</p> : null}
            <Pager
              path={path}
              params={params}
              prefix="records_"
              pageInfo={data.historyRecords.pageInfo}
              totalCount={data.historyRecords.totalCount}
              shown={data.historyRecords.nodes.length}
            />
          </section>
        </>
      ) : null}
    </>
  );
}

/** The external system's responses to a record or error, oldest first. */
export function Responses(props: { responses: readonly Response[] }) {
  if (props.responses.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="responses">
      {props.responses.map((response) => (
        <li>
          <code>{response.responseCode ?? '—'}</code> {response.responseMessage ?? ''}
        </li>
      ))}
    </ul>
  );
}
