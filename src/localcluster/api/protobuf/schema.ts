/**
 * Message definitions for the Kubernetes protobuf encoding of the kinds the plane serves,
 * written here from the field numbers published in k8s.io/api and k8s.io/apimachinery
 * (`generated.proto`, Kubernetes 1.32). Only the shapes, no comments: the JSON names are the
 * proto field names, except for the inline fields listed in `INLINE_FIELDS` (codec.ts).
 * Volume sources for cloud/legacy drivers are not modelled: objects using them are decoded
 * with those fields missing and answered in JSON (see OPAQUE_FIELDS).
 */
export const META_PROTO = `
syntax = "proto2";
package meta;
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message MicroTime { optional int64 seconds = 1; optional int32 nanos = 2; }
message Duration { optional int64 duration = 1; }
message FieldsV1 { optional bytes Raw = 1; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string selfLink = 4;
  optional string uid = 5; optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10; map<string, string> labels = 11;
  map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ManagedFieldsEntry { optional string manager = 1; optional string operation = 2; optional string apiVersion = 3; optional Time time = 4; optional string fieldsType = 6; optional FieldsV1 fieldsV1 = 7; optional string subresource = 8; }
message ListMeta { optional string selfLink = 1; optional string resourceVersion = 2; optional string continue = 3; optional int64 remainingItemCount = 4; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message Condition { optional string type = 1; optional string status = 2; optional int64 observedGeneration = 3; optional Time lastTransitionTime = 4; optional string reason = 5; optional string message = 6; }
message Status { optional ListMeta metadata = 1; optional string status = 2; optional string message = 3; optional string reason = 4; optional StatusDetails details = 5; optional int32 code = 6; }
message StatusDetails { optional string name = 1; optional string group = 2; optional string kind = 3; optional string uid = 6; repeated StatusCause causes = 4; optional int32 retryAfterSeconds = 5; }
message StatusCause { optional string reason = 1; optional string message = 2; optional string field = 3; }
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions { optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3; optional string propagationPolicy = 4; repeated string dryRun = 5; optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6; }
`;

export const RUNTIME_PROTO = `
syntax = "proto2";
package runtime;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message RawExtension { optional bytes raw = 1; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message Quantity { optional string string = 1; }
`;

export const CORE_PROTO = `
syntax = "proto2";
package core;
message Namespace { optional meta.ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional NamespaceStatus status = 3; }
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { optional string phase = 1; repeated NamespaceCondition conditions = 2; }
message NamespaceCondition { optional string type = 1; optional string status = 2; optional meta.Time lastTransitionTime = 4; optional string reason = 5; optional string message = 6; }
message NamespaceList { optional meta.ListMeta metadata = 1; repeated Namespace items = 2; }

message ConfigMap { optional meta.ObjectMeta metadata = 1; optional bool immutable = 4; map<string, string> data = 2; map<string, bytes> binaryData = 3; }
message ConfigMapList { optional meta.ListMeta metadata = 1; repeated ConfigMap items = 2; }
message Secret { optional meta.ObjectMeta metadata = 1; optional bool immutable = 5; map<string, bytes> data = 2; map<string, string> stringData = 4; optional string type = 3; }
message SecretList { optional meta.ListMeta metadata = 1; repeated Secret items = 2; }
message ServiceAccount { optional meta.ObjectMeta metadata = 1; repeated ObjectReference secrets = 2; repeated LocalObjectReference imagePullSecrets = 3; optional bool automountServiceAccountToken = 4; }
message ServiceAccountList { optional meta.ListMeta metadata = 1; repeated ServiceAccount items = 2; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional string resourceVersion = 6; optional string fieldPath = 7; }
message LocalObjectReference { optional string name = 1; }

message Event {
  optional meta.ObjectMeta metadata = 1; optional ObjectReference involvedObject = 2; optional string reason = 3; optional string message = 4;
  optional EventSource source = 5; optional meta.Time firstTimestamp = 6; optional meta.Time lastTimestamp = 7; optional int32 count = 8;
  optional string type = 9; optional meta.MicroTime eventTime = 10; optional EventSeries series = 11; optional string action = 12;
  optional ObjectReference related = 13; optional string reportingComponent = 14; optional string reportingInstance = 15;
}
message EventSource { optional string component = 1; optional string host = 2; }
message EventSeries { optional int32 count = 1; optional meta.MicroTime lastObservedTime = 2; }
message EventList { optional meta.ListMeta metadata = 1; repeated Event items = 2; }

message Endpoints { optional meta.ObjectMeta metadata = 1; repeated EndpointSubset subsets = 2; }
message EndpointSubset { repeated EndpointAddress addresses = 1; repeated EndpointAddress notReadyAddresses = 2; repeated EndpointPort ports = 3; }
message EndpointAddress { optional string ip = 1; optional string hostname = 3; optional string nodeName = 4; optional ObjectReference targetRef = 2; }
message EndpointPort { optional string name = 1; optional int32 port = 2; optional string protocol = 3; optional string appProtocol = 4; }
message EndpointsList { optional meta.ListMeta metadata = 1; repeated Endpoints items = 2; }

message Service { optional meta.ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional ServiceStatus status = 3; }
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; repeated string clusterIPs = 18; optional string type = 4;
  repeated string externalIPs = 5; optional string sessionAffinity = 7; optional string loadBalancerIP = 8; repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10; optional string externalTrafficPolicy = 11; optional int32 healthCheckNodePort = 12; optional bool publishNotReadyAddresses = 13;
  optional SessionAffinityConfig sessionAffinityConfig = 14; repeated string ipFamilies = 19; optional string ipFamilyPolicy = 17;
  optional bool allocateLoadBalancerNodePorts = 20; optional string loadBalancerClass = 21; optional string internalTrafficPolicy = 22; optional string trafficDistribution = 23;
}
message ServicePort { optional string name = 1; optional string protocol = 2; optional string appProtocol = 6; optional int32 port = 3; optional runtime.IntOrString targetPort = 4; optional int32 nodePort = 5; }
message SessionAffinityConfig { optional ClientIPConfig clientIP = 1; }
message ClientIPConfig { optional int32 timeoutSeconds = 1; }
message ServiceStatus { optional LoadBalancerStatus loadBalancer = 1; repeated meta.Condition conditions = 2; }
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message LoadBalancerIngress { optional string ip = 1; optional string hostname = 2; optional string ipMode = 3; repeated PortStatus ports = 4; }
message PortStatus { optional int32 port = 1; optional string protocol = 2; optional string error = 3; }
message ServiceList { optional meta.ListMeta metadata = 1; repeated Service items = 2; }

message Pod { optional meta.ObjectMeta metadata = 1; optional PodSpec spec = 2; optional PodStatus status = 3; }
message PodList { optional meta.ListMeta metadata = 1; repeated Pod items = 2; }
message PodTemplateSpec { optional meta.ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message PodSpec {
  repeated Volume volumes = 1; repeated Container initContainers = 20; repeated Container containers = 2; repeated EphemeralContainer ephemeralContainers = 34;
  optional string restartPolicy = 3; optional int64 terminationGracePeriodSeconds = 4; optional int64 activeDeadlineSeconds = 5; optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7; optional string serviceAccountName = 8; optional string serviceAccount = 9; optional bool automountServiceAccountToken = 21;
  optional string nodeName = 10; optional bool hostNetwork = 11; optional bool hostPID = 12; optional bool hostIPC = 13; optional bool shareProcessNamespace = 27;
  optional PodSecurityContext securityContext = 14; repeated LocalObjectReference imagePullSecrets = 15; optional string hostname = 16; optional string subdomain = 17;
  optional Affinity affinity = 18; optional string schedulerName = 19; repeated Toleration tolerations = 22; repeated HostAlias hostAliases = 23;
  optional string priorityClassName = 24; optional int32 priority = 25; optional PodDNSConfig dnsConfig = 26; repeated PodReadinessGate readinessGates = 28;
  optional string runtimeClassName = 29; optional bool enableServiceLinks = 30; optional string preemptionPolicy = 31; map<string, runtime.Quantity> overhead = 32;
  repeated TopologySpreadConstraint topologySpreadConstraints = 33; optional bool setHostnameAsFQDN = 35; optional PodOS os = 36; optional bool hostUsers = 37;
  repeated PodSchedulingGate schedulingGates = 38; repeated PodResourceClaim resourceClaims = 39; optional ResourceRequirements resources = 40;
}
message PodOS { optional string name = 1; }
message PodSchedulingGate { optional string name = 1; }
message PodResourceClaim { optional string name = 1; optional string resourceClaimName = 3; optional string resourceClaimTemplateName = 4; }
message PodReadinessGate { optional string conditionType = 1; }
message HostAlias { optional string ip = 1; repeated string hostnames = 2; }
message PodDNSConfig { repeated string nameservers = 1; repeated string searches = 2; repeated PodDNSConfigOption options = 3; }
message PodDNSConfigOption { optional string name = 1; optional string value = 2; }
message Toleration { optional string key = 1; optional string operator = 2; optional string value = 3; optional string effect = 4; optional int64 tolerationSeconds = 5; }
message TopologySpreadConstraint {
  optional int32 maxSkew = 1; optional string topologyKey = 2; optional string whenUnsatisfiable = 3; optional meta.LabelSelector labelSelector = 4;
  optional int32 minDomains = 5; optional string nodeAffinityPolicy = 6; optional string nodeTaintsPolicy = 7; repeated string matchLabelKeys = 8;
}
message Affinity { optional NodeAffinity nodeAffinity = 1; optional PodAffinity podAffinity = 2; optional PodAntiAffinity podAntiAffinity = 3; }
message NodeAffinity { optional NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1; repeated PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution = 2; }
message NodeSelector { repeated NodeSelectorTerm nodeSelectorTerms = 1; }
message NodeSelectorTerm { repeated NodeSelectorRequirement matchExpressions = 1; repeated NodeSelectorRequirement matchFields = 2; }
message NodeSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message PreferredSchedulingTerm { optional int32 weight = 1; optional NodeSelectorTerm preference = 2; }
message PodAffinity { repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1; repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2; }
message PodAntiAffinity { repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1; repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2; }
message PodAffinityTerm {
  optional meta.LabelSelector labelSelector = 1; repeated string namespaces = 2; optional string topologyKey = 3; optional meta.LabelSelector namespaceSelector = 4;
  repeated string matchLabelKeys = 5; repeated string mismatchLabelKeys = 6;
}
message WeightedPodAffinityTerm { optional int32 weight = 1; optional PodAffinityTerm podAffinityTerm = 2; }
message PodSecurityContext {
  optional SELinuxOptions seLinuxOptions = 1; optional WindowsSecurityContextOptions windowsOptions = 8; optional int64 runAsUser = 2; optional int64 runAsGroup = 6;
  optional bool runAsNonRoot = 3; repeated int64 supplementalGroups = 4; optional string supplementalGroupsPolicy = 12; optional int64 fsGroup = 5;
  repeated Sysctl sysctls = 7; optional string fsGroupChangePolicy = 9; optional SeccompProfile seccompProfile = 10; optional AppArmorProfile appArmorProfile = 11;
  optional string seLinuxChangePolicy = 13;
}
message SecurityContext {
  optional Capabilities capabilities = 1; optional bool privileged = 2; optional SELinuxOptions seLinuxOptions = 3; optional WindowsSecurityContextOptions windowsOptions = 10;
  optional int64 runAsUser = 4; optional int64 runAsGroup = 8; optional bool runAsNonRoot = 5; optional bool readOnlyRootFilesystem = 6;
  optional bool allowPrivilegeEscalation = 7; optional string procMount = 9; optional SeccompProfile seccompProfile = 11; optional AppArmorProfile appArmorProfile = 12;
}
message Capabilities { repeated string add = 1; repeated string drop = 2; }
message SELinuxOptions { optional string user = 1; optional string role = 2; optional string type = 3; optional string level = 4; }
message WindowsSecurityContextOptions { optional string gmsaCredentialSpecName = 1; optional string gmsaCredentialSpec = 2; optional string runAsUserName = 3; optional bool hostProcess = 4; }
message SeccompProfile { optional string type = 1; optional string localhostProfile = 2; }
message AppArmorProfile { optional string type = 1; optional string localhostProfile = 2; }
message Sysctl { optional string name = 1; optional string value = 2; }

message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4; optional string workingDir = 5;
  repeated ContainerPort ports = 6; repeated EnvFromSource envFrom = 19; repeated EnvVar env = 7; optional ResourceRequirements resources = 8;
  repeated ContainerResizePolicy resizePolicy = 23; optional string restartPolicy = 24; repeated VolumeMount volumeMounts = 9; repeated VolumeDevice volumeDevices = 21;
  optional Probe livenessProbe = 10; optional Probe readinessProbe = 11; optional Probe startupProbe = 22; optional Lifecycle lifecycle = 12;
  optional string terminationMessagePath = 13; optional string terminationMessagePolicy = 20; optional string imagePullPolicy = 14;
  optional SecurityContext securityContext = 15; optional bool stdin = 16; optional bool stdinOnce = 17; optional bool tty = 18;
}
message EphemeralContainer { optional Container ephemeralContainerCommon = 1; optional string targetContainerName = 2; }
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; optional string hostIP = 5; }
message ContainerResizePolicy { optional string resourceName = 1; optional string restartPolicy = 2; }
message EnvVar { optional string name = 1; optional string value = 2; optional EnvVarSource valueFrom = 3; }
message EnvVarSource { optional ObjectFieldSelector fieldRef = 1; optional ResourceFieldSelector resourceFieldRef = 2; optional ConfigMapKeySelector configMapKeyRef = 3; optional SecretKeySelector secretKeyRef = 4; }
message ObjectFieldSelector { optional string apiVersion = 1; optional string fieldPath = 2; }
message ResourceFieldSelector { optional string containerName = 1; optional string resource = 2; optional runtime.Quantity divisor = 3; }
message ConfigMapKeySelector { optional LocalObjectReference localObjectReference = 1; optional string key = 2; optional bool optional = 3; }
message SecretKeySelector { optional LocalObjectReference localObjectReference = 1; optional string key = 2; optional bool optional = 3; }
message EnvFromSource { optional string prefix = 1; optional ConfigMapEnvSource configMapRef = 2; optional SecretEnvSource secretRef = 3; }
message ConfigMapEnvSource { optional LocalObjectReference localObjectReference = 1; optional bool optional = 2; }
message SecretEnvSource { optional LocalObjectReference localObjectReference = 1; optional bool optional = 2; }
message ResourceRequirements { map<string, runtime.Quantity> limits = 1; map<string, runtime.Quantity> requests = 2; repeated ResourceClaim claims = 3; }
message ResourceClaim { optional string name = 1; optional string request = 2; }
message VolumeMount { optional string name = 1; optional bool readOnly = 2; optional string recursiveReadOnly = 7; optional string mountPath = 3; optional string subPath = 4; optional string mountPropagation = 5; optional string subPathExpr = 6; }
message VolumeDevice { optional string name = 1; optional string devicePath = 2; }
message Probe {
  optional ProbeHandler handler = 1; optional int32 initialDelaySeconds = 2; optional int32 timeoutSeconds = 3; optional int32 periodSeconds = 4;
  optional int32 successThreshold = 5; optional int32 failureThreshold = 6; optional int64 terminationGracePeriodSeconds = 7;
}
message ProbeHandler { optional ExecAction exec = 1; optional HTTPGetAction httpGet = 2; optional TCPSocketAction tcpSocket = 3; optional GRPCAction grpc = 4; }
message LifecycleHandler { optional ExecAction exec = 1; optional HTTPGetAction httpGet = 2; optional TCPSocketAction tcpSocket = 3; optional SleepAction sleep = 4; }
message Lifecycle { optional LifecycleHandler postStart = 1; optional LifecycleHandler preStop = 2; }
message ExecAction { repeated string command = 1; }
message HTTPGetAction { optional string path = 1; optional runtime.IntOrString port = 2; optional string host = 3; optional string scheme = 4; repeated HTTPHeader httpHeaders = 5; }
message HTTPHeader { optional string name = 1; optional string value = 2; }
message TCPSocketAction { optional runtime.IntOrString port = 1; optional string host = 2; }
message GRPCAction { optional int32 port = 1; optional string service = 2; }
message SleepAction { optional int64 seconds = 1; }

message Volume { optional string name = 1; optional VolumeSource volumeSource = 2; }
message VolumeSource {
  optional HostPathVolumeSource hostPath = 1; optional EmptyDirVolumeSource emptyDir = 2; optional SecretVolumeSource secret = 6; optional NFSVolumeSource nfs = 7;
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10; optional DownwardAPIVolumeSource downwardAPI = 16; optional ConfigMapVolumeSource configMap = 19;
  optional ProjectedVolumeSource projected = 26; optional CSIVolumeSource csi = 28;
}
message HostPathVolumeSource { optional string path = 1; optional string type = 2; }
message EmptyDirVolumeSource { optional string medium = 1; optional runtime.Quantity sizeLimit = 2; }
message NFSVolumeSource { optional string server = 1; optional string path = 2; optional bool readOnly = 3; }
message PersistentVolumeClaimVolumeSource { optional string claimName = 1; optional bool readOnly = 2; }
message SecretVolumeSource { optional string secretName = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3; optional bool optional = 4; }
message ConfigMapVolumeSource { optional LocalObjectReference localObjectReference = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3; optional bool optional = 4; }
message KeyToPath { optional string key = 1; optional string path = 2; optional int32 mode = 3; }
message DownwardAPIVolumeSource { repeated DownwardAPIVolumeFile items = 1; optional int32 defaultMode = 2; }
message DownwardAPIVolumeFile { optional string path = 1; optional ObjectFieldSelector fieldRef = 2; optional ResourceFieldSelector resourceFieldRef = 3; optional int32 mode = 4; }
message DownwardAPIProjection { repeated DownwardAPIVolumeFile items = 1; }
message ProjectedVolumeSource { repeated VolumeProjection sources = 1; optional int32 defaultMode = 2; }
message VolumeProjection { optional SecretProjection secret = 1; optional DownwardAPIProjection downwardAPI = 2; optional ConfigMapProjection configMap = 3; optional ServiceAccountTokenProjection serviceAccountToken = 4; }
message SecretProjection { optional LocalObjectReference localObjectReference = 1; repeated KeyToPath items = 2; optional bool optional = 4; }
message ConfigMapProjection { optional LocalObjectReference localObjectReference = 1; repeated KeyToPath items = 2; optional bool optional = 4; }
message ServiceAccountTokenProjection { optional string audience = 1; optional int64 expirationSeconds = 2; optional string path = 3; }
message CSIVolumeSource { optional string driver = 1; optional bool readOnly = 2; optional string fsType = 3; map<string, string> volumeAttributes = 4; optional LocalObjectReference nodePublishSecretRef = 5; }

message PodStatus {
  optional string phase = 1; repeated PodCondition conditions = 2; optional string message = 3; optional string reason = 4; optional string nominatedNodeName = 11;
  optional string hostIP = 5; repeated HostIP hostIPs = 16; optional string podIP = 6; repeated PodIP podIPs = 12; optional meta.Time startTime = 7;
  repeated ContainerStatus initContainerStatuses = 10; repeated ContainerStatus containerStatuses = 8; optional string qosClass = 9;
  repeated ContainerStatus ephemeralContainerStatuses = 13; optional string resize = 14; optional int64 observedGeneration = 17;
}
message HostIP { optional string ip = 1; }
message PodIP { optional string ip = 1; }
message PodCondition { optional string type = 1; optional int64 observedGeneration = 7; optional string status = 2; optional meta.Time lastProbeTime = 3; optional meta.Time lastTransitionTime = 4; optional string reason = 5; optional string message = 6; }
message ContainerStatus {
  optional string name = 1; optional ContainerState state = 2; optional ContainerState lastState = 3; optional bool ready = 4; optional int32 restartCount = 5;
  optional string image = 6; optional string imageID = 7; optional string containerID = 8; optional bool started = 9;
  map<string, runtime.Quantity> allocatedResources = 10; optional ResourceRequirements resources = 11; repeated VolumeMountStatus volumeMounts = 12;
}
message VolumeMountStatus { optional string name = 1; optional string mountPath = 2; optional bool readOnly = 3; optional string recursiveReadOnly = 4; }
message ContainerState { optional ContainerStateWaiting waiting = 1; optional ContainerStateRunning running = 2; optional ContainerStateTerminated terminated = 3; }
message ContainerStateWaiting { optional string reason = 1; optional string message = 2; }
message ContainerStateRunning { optional meta.Time startedAt = 1; }
message ContainerStateTerminated { optional int32 exitCode = 1; optional int32 signal = 2; optional string reason = 3; optional string message = 4; optional meta.Time startedAt = 5; optional meta.Time finishedAt = 6; optional string containerID = 7; }
`;

export const APPS_PROTO = `
syntax = "proto2";
package apps;
message Deployment { optional meta.ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1; optional meta.LabelSelector selector = 2; optional core.PodTemplateSpec template = 3; optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6; optional bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { optional runtime.IntOrString maxUnavailable = 1; optional runtime.IntOrString maxSurge = 2; }
message DeploymentStatus {
  optional int64 observedGeneration = 1; optional int32 replicas = 2; optional int32 updatedReplicas = 3; optional int32 readyReplicas = 7;
  optional int32 availableReplicas = 4; optional int32 unavailableReplicas = 5; optional int32 terminatingReplicas = 9; repeated DeploymentCondition conditions = 6; optional int32 collisionCount = 8;
}
message DeploymentCondition { optional string type = 1; optional string status = 2; optional meta.Time lastUpdateTime = 6; optional meta.Time lastTransitionTime = 7; optional string reason = 4; optional string message = 5; }
message DeploymentList { optional meta.ListMeta metadata = 1; repeated Deployment items = 2; }
message ReplicaSet { optional meta.ObjectMeta metadata = 1; optional ReplicaSetSpec spec = 2; optional ReplicaSetStatus status = 3; }
message ReplicaSetSpec { optional int32 replicas = 1; optional int32 minReadySeconds = 4; optional meta.LabelSelector selector = 2; optional core.PodTemplateSpec template = 3; }
message ReplicaSetStatus {
  optional int32 replicas = 1; optional int32 fullyLabeledReplicas = 2; optional int32 readyReplicas = 4; optional int32 availableReplicas = 5;
  optional int32 terminatingReplicas = 7; optional int64 observedGeneration = 3; repeated ReplicaSetCondition conditions = 6;
}
message ReplicaSetCondition { optional string type = 1; optional string status = 2; optional meta.Time lastTransitionTime = 3; optional string reason = 4; optional string message = 5; }
message ReplicaSetList { optional meta.ListMeta metadata = 1; repeated ReplicaSet items = 2; }
`;

export const RBAC_PROTO = `
syntax = "proto2";
package rbac;
message PolicyRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; repeated string nonResourceURLs = 5; }
message Role { optional meta.ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message RoleList { optional meta.ListMeta metadata = 1; repeated Role items = 2; }
message RoleRef { optional string apiGroup = 1; optional string kind = 2; optional string name = 3; }
message Subject { optional string kind = 1; optional string apiGroup = 2; optional string name = 3; optional string namespace = 4; }
message RoleBinding { optional meta.ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message RoleBindingList { optional meta.ListMeta metadata = 1; repeated RoleBinding items = 2; }
message AggregationRule { repeated meta.LabelSelector clusterRoleSelectors = 1; }
message ClusterRole { optional meta.ObjectMeta metadata = 1; repeated PolicyRule rules = 2; optional AggregationRule aggregationRule = 3; }
message ClusterRoleList { optional meta.ListMeta metadata = 1; repeated ClusterRole items = 2; }
message ClusterRoleBinding { optional meta.ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message ClusterRoleBindingList { optional meta.ListMeta metadata = 1; repeated ClusterRoleBinding items = 2; }
`;

export const AUTHENTICATION_PROTO = `
syntax = "proto2";
package authentication;
message BoundObjectReference { optional string kind = 1; optional string apiVersion = 2; optional string name = 3; optional string uid = 4; }
message TokenRequestSpec { repeated string audiences = 1; optional int64 expirationSeconds = 4; optional BoundObjectReference boundObjectRef = 3; }
message TokenRequestStatus { optional string token = 1; optional meta.Time expirationTimestamp = 2; }
message TokenRequest { optional meta.ObjectMeta metadata = 1; optional TokenRequestSpec spec = 2; optional TokenRequestStatus status = 3; }
`;
