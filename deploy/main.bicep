// ra-watch on Azure: one Container App (ingest + worker in one process: `ra-watch serve`), scaled on HTTP load and
// on the Service Bus queue's length; Service Bus carries the work, PostgreSQL flexible server keeps the store, Key
// Vault keeps every secret, and one user-assigned managed identity reads Key Vault, Service Bus and Microsoft Graph.
//
//   az deployment group create -g <resource-group> -f deploy/main.bicep -p @deploy/main.parameters.json
//
// Graph application permissions cannot be granted from plain Bicep (that needs the Microsoft Graph Bicep extension
// and a Global Administrator at deploy time): deploy/README.md gives the az CLI / PowerShell commands.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Prefix for resource names: lower-case letters and digits, 3 to 11 characters.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'rawatch'

@description('The container image, e.g. contoso.azurecr.io/ra-watch:1.0.0 (built from the repository Dockerfile).')
param image string

@description('The watched Microsoft 365 tenant (AZURE_TENANT_ID); the managed identity must live in this tenant.')
param watchedTenantId string = tenant().tenantId

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'rawatch'

@description('PostgreSQL administrator password (goes into Key Vault inside DATABASE_URL, never into an env var).')
@secure()
param postgresAdminPassword string

@description('Graph echoes this in every notification (CLIENT_STATE): 16 to 128 characters, e.g. `openssl rand -hex 16`.')
@secure()
@minLength(16)
@maxLength(128)
param clientState string

@description('Bearer token for /api/* (API_TOKEN): at least 16 characters, e.g. `openssl rand -hex 24`.')
@secure()
@minLength(16)
param apiToken string

@description('Slack incoming-webhook URL (SLACK_WEBHOOK_URL); empty for no Slack alerts.')
@secure()
param slackWebhookUrl string = ''

@description('SMTP URL with its password, e.g. smtps://user:password@smtp.contoso.com:465 (SMTP_URL); empty for no e-mail.')
@secure()
param smtpUrl string = ''

@description('Sender of alert e-mails (ALERT_EMAIL_FROM); needed when smtpUrl is set.')
param alertEmailFrom string = ''

@description('Comma-separated recipients of alert e-mails (ALERT_EMAIL_TO); needed when smtpUrl is set.')
param alertEmailTo string = ''

@description('Accept Entra ID access tokens on /api from this tenant (API_ENTRA_TENANT_ID); empty: API_TOKEN only.')
param apiEntraTenantId string = ''

@description('Audience of those tokens: the API app registration\'s client id and/or Application ID URI, comma-separated (API_ENTRA_AUDIENCE).')
param apiEntraAudience string = ''

@description('App role a caller\'s token must carry (API_ENTRA_ROLE).')
param apiEntraRole string = 'RaWatch.Admin'

@description('The web console\'s single-page app registration for "Sign in with Microsoft" (CONSOLE_ENTRA_CLIENT_ID); needs apiEntraTenantId. Empty: the console takes API_TOKEN only.')
param consoleEntraClientId string = ''

@description('LOG_LEVEL of the container.')
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
param logLevel string = 'info'

@description('Most replicas the app scales out to.')
@minValue(1)
@maxValue(30)
param maxReplicas int = 5

@description('Messages waiting per replica before the app scales out.')
param messagesPerReplica int = 200

var suffix = uniqueString(resourceGroup().id, namePrefix)
var appName = '${namePrefix}-app'
var queueName = 'ra-watch'
var databaseName = 'ra_watch'
var containerPort = 3000
var withSlack = !empty(slackWebhookUrl)
var withEmail = !empty(smtpUrl)
var withEntraApi = !empty(apiEntraTenantId)

// Built-in role definition ids (the same in every tenant).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
// Data Owner rather than Sender + Receiver: the KEDA scaler reads the queue's message count, a management read.
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'

// ---- identity ---------------------------------------------------------------------------------------------------
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

// ---- Key Vault: every secret the app reads ----------------------------------------------------------------------
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${namePrefix}kv${suffix}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource clientStateSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'client-state'
  properties: { value: clientState }
}

resource apiTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'api-token'
  properties: { value: apiToken }
}

// Key Vault refuses empty values: the optional sinks get a secret only when configured.
resource slackSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withSlack) {
  parent: vault
  name: 'slack-webhook-url'
  properties: { value: slackWebhookUrl }
}

resource smtpSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withEmail) {
  parent: vault
  name: 'smtp-url'
  properties: { value: smtpUrl }
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
  }
}

// ---- Service Bus: sessions keep one user's changes in order; duplicate detection absorbs Graph's re-sends --------
resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: '${namePrefix}-sb-${suffix}'
  location: location
  // Sessions and duplicate detection need the Standard tier at least.
  sku: { name: 'Standard', tier: 'Standard' }
  properties: { disableLocalAuth: true, minimumTlsVersion: '1.2' }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: serviceBus
  name: queueName
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    // Graph retries an unacknowledged notification for up to 4 hours: a re-send inside that window is a duplicate.
    duplicateDetectionHistoryTimeWindow: 'PT4H'
    deadLetteringOnMessageExpiration: true
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
  }
}

resource serviceBusAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus.id, identity.id, serviceBusDataOwner)
  scope: serviceBus
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
  }
}

// ---- PostgreSQL flexible server: the store ---------------------------------------------------------------------
resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: '${namePrefix}-pg-${suffix}'
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// 0.0.0.0–0.0.0.0 admits Azure services only (Container Apps' outbound addresses are not fixed). For a private
// network, put the environment and the server in a VNet instead (see README).
resource postgresFromAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

// ---- Container Apps --------------------------------------------------------------------------------------------
resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// The app's public address is known before it exists (name + environment domain), so Graph's notificationUrl
// (PUBLIC_BASE_URL) needs no second deployment.
var publicBaseUrl = 'https://${appName}.${appEnvironment.properties.defaultDomain}'

var secrets = concat(
  [
    { name: 'client-state', keyVaultUrl: clientStateSecret.properties.secretUri, identity: identity.id }
    { name: 'api-token', keyVaultUrl: apiTokenSecret.properties.secretUri, identity: identity.id }
    { name: 'database-url', keyVaultUrl: databaseUrlSecret.properties.secretUri, identity: identity.id }
  ],
  withSlack ? [{ name: 'slack-webhook-url', keyVaultUrl: slackSecret.properties.secretUri, identity: identity.id }] : [],
  withEmail ? [{ name: 'smtp-url', keyVaultUrl: smtpSecret.properties.secretUri, identity: identity.id }] : []
)

// Names exactly as src/config.ts reads them; every secret comes from a Key Vault reference (test/deploy checks).
var env = concat(
  [
    { name: 'PORT', value: string(containerPort) }
    { name: 'HOST', value: '0.0.0.0' }
    { name: 'LOG_LEVEL', value: logLevel }
    { name: 'PUBLIC_BASE_URL', value: publicBaseUrl }
    { name: 'DATABASE_URL', secretRef: 'database-url' }
    { name: 'QUEUE', value: 'service-bus' }
    { name: 'SERVICE_BUS_NAMESPACE', value: '${serviceBus.name}.servicebus.windows.net' }
    { name: 'SERVICE_BUS_QUEUE', value: queueName }
    { name: 'QUEUE_MAX_DELIVERIES', value: '10' }
    // A tenant id and a client id with no secret, certificate or token file: ra-watch uses the managed identity.
    { name: 'AZURE_TENANT_ID', value: watchedTenantId }
    { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
    { name: 'CLIENT_STATE', secretRef: 'client-state' }
    { name: 'API_TOKEN', secretRef: 'api-token' }
  ],
  withSlack ? [{ name: 'SLACK_WEBHOOK_URL', secretRef: 'slack-webhook-url' }] : [],
  withEmail
    ? [
        { name: 'SMTP_URL', secretRef: 'smtp-url' }
        { name: 'ALERT_EMAIL_FROM', value: alertEmailFrom }
        { name: 'ALERT_EMAIL_TO', value: alertEmailTo }
      ]
    : [],
  withEntraApi
    ? [
        { name: 'API_ENTRA_TENANT_ID', value: apiEntraTenantId }
        { name: 'API_ENTRA_AUDIENCE', value: apiEntraAudience }
        { name: 'API_ENTRA_ROLE', value: apiEntraRole }
      ]
    : [],
  withEntraApi && !empty(consoleEntraClientId) ? [{ name: 'CONSOLE_ENTRA_CLIENT_ID', value: consoleEntraClientId }] : []
)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  // The identity must be able to read Key Vault and Service Bus before the first revision starts.
  dependsOn: [vaultReader, serviceBusAccess, postgresDatabase, postgresFromAzure, queue]
  properties: {
    managedEnvironmentId: appEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: containerPort
        transport: 'http'
        allowInsecure: false
      }
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'ra-watch'
          image: image
          env: env
          resources: { cpu: json('0.5'), memory: '1Gi' }
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: containerPort }, periodSeconds: 30 }
            // /readyz goes false first on SIGTERM, so the ingress drains before the process stops.
            { type: 'Readiness', httpGet: { path: '/readyz', port: containerPort }, periodSeconds: 10 }
          ]
        }
      ]
      scale: {
        // One replica always: Graph's notifications must be acknowledged within 3 seconds, a cold start is too slow.
        minReplicas: 1
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'service-bus-backlog'
            custom: {
              type: 'azure-servicebus'
              metadata: {
                namespace: serviceBus.name
                queueName: queueName
                messageCount: string(messagesPerReplica)
              }
              // The scaler authenticates with the same managed identity (no connection string exists: local auth off).
              identity: identity.id
            }
          }
          {
            name: 'http-load'
            http: { metadata: { concurrentRequests: '100' } }
          }
        ]
      }
    }
  }
}

output appUrl string = publicBaseUrl
output notificationUrl string = '${publicBaseUrl}/notifications'
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output keyVaultName string = vault.name
output serviceBusNamespace string = '${serviceBus.name}.servicebus.windows.net'
